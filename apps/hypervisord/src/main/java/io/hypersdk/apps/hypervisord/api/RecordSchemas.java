package io.hypersdk.apps.hypervisord.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAPI schemas of the records the API answers with, read from the records themselves with the API's JSON
 * naming (snake_case), so the document describes what is really sent.
 */
final class RecordSchemas {
  private static final PropertyNamingStrategies.NamingBase SNAKE = new PropertyNamingStrategies.SnakeCaseStrategy();

  private RecordSchemas() {}

  static Map<String, Object> of(Type type) {
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      Type[] args = p.getActualTypeArguments();
      if (List.class.isAssignableFrom(raw)) {
        return Map.of("type", "array", "items", of(args[0]));
      }
      if (Map.class.isAssignableFrom(raw)) {
        return Map.of("type", "object", "additionalProperties", of(args[1]));
      }
    }
    if (!(type instanceof Class<?> c)) {
      return Map.of();
    }
    if (c == String.class || c.isEnum()) {
      return Map.of("type", "string");
    }
    if (c == boolean.class || c == Boolean.class) {
      return Map.of("type", "boolean");
    }
    if (c == int.class || c == Integer.class || c == long.class || c == Long.class) {
      return Map.of("type", "integer");
    }
    if (c == double.class || c == Double.class || c == float.class || c == Float.class) {
      return Map.of("type", "number");
    }
    if (!c.isRecord()) {
      return Map.of(); // Object: any JSON value (an event's data is a status, a progress or a log line)
    }
    Map<String, Object> properties = new LinkedHashMap<>();
    for (RecordComponent rc : c.getRecordComponents()) {
      JsonProperty named = rc.getAccessor().getAnnotation(JsonProperty.class);
      properties.put(named != null ? named.value() : SNAKE.translate(rc.getName()), of(rc.getGenericType()));
    }
    return Map.of("type", "object", "properties", properties);
  }
}
