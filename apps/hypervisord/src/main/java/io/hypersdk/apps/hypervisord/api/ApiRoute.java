package io.hypersdk.apps.hypervisord.api;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;

/**
 * One route of the API: what the router registers and what the OpenAPI document describes, from the same
 * value, so the two cannot drift apart. {@code response} is the record the route answers with (null: none
 * to describe), from which the document's response schema is made.
 */
public record ApiRoute(HandlerType method, String path, String summary, boolean authenticated, String produces,
    String requestBody, Type response, Handler handler) {
  public static final String JSON = "application/json";
  public static final String EVENT_STREAM = "text/event-stream";
  public static final String PROMETHEUS = "text/plain; version=0.0.4";

  public static ApiRoute get(String path, String summary, Handler handler) {
    return new ApiRoute(HandlerType.GET, path, summary, true, JSON, null, null, handler);
  }

  public static ApiRoute post(String path, String summary, String requestBody, Handler handler) {
    return new ApiRoute(HandlerType.POST, path, summary, true, JSON, requestBody, null, handler);
  }

  public ApiRoute open() {
    return new ApiRoute(method, path, summary, false, produces, requestBody, response, handler);
  }

  public ApiRoute producing(String type) {
    return new ApiRoute(method, path, summary, authenticated, type, requestBody, response, handler);
  }

  public ApiRoute returning(Type type) {
    return new ApiRoute(method, path, summary, authenticated, produces, requestBody, type, handler);
  }

  /** The route answers with a JSON array of {@code item}. */
  public ApiRoute returningListOf(Class<?> item) {
    return returning(new ListOf(item));
  }

  /** {@code List<item>} as a reflected type, for the document's schema. */
  private record ListOf(Class<?> item) implements ParameterizedType {
    @Override
    public Type[] getActualTypeArguments() {
      return new Type[] {item};
    }

    @Override
    public Type getRawType() {
      return List.class;
    }

    @Override
    public Type getOwnerType() {
      return null;
    }
  }
}
