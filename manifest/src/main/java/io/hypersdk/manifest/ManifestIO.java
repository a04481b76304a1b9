package io.hypersdk.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.hypersdk.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Reads and writes manifests as JSON, or YAML when the file name ends in .yaml or .yml. */
public final class ManifestIO {
  private static final ObjectMapper JSON = configure(JsonMapper.builder().build());
  private static final ObjectMapper YAML = configure(YAMLMapper.builder(
      YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build()).build());

  private ManifestIO() {}

  /** Snake-case keys, absent values left out, unknown keys ignored; a hint of 0 is a value, not absent. */
  private static ObjectMapper configure(ObjectMapper mapper) {
    // A null list entry ("disks": [null]) is a type error at disks[N], not a NullPointerException in List.copyOf.
    mapper.configOverride(List.class).setSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
    return mapper
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .setSerializationInclusion(JsonInclude.Include.NON_NULL)
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
        .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
        .enable(SerializationFeature.INDENT_OUTPUT);
  }

  /** The JSON mapper with the manifest's conventions, for code that embeds manifests in other documents. */
  public static ObjectMapper jsonMapper() {
    return JSON;
  }

  public static boolean isYaml(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  /** Reads a manifest without validating it; the exception names the file and, for type errors, the field. */
  public static ArtifactManifest read(Path file) throws ManifestException {
    return read(file, file.toString());
  }

  /** Reads a manifest, naming it {@code origin} in errors (e.g. the name it was submitted under). */
  public static ArtifactManifest read(Path file, String origin) throws ManifestException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ManifestException(origin + ": no such file");
    } catch (IOException e) {
      throw new ManifestException(origin + ": cannot read: " + e.getMessage());
    }
    return parse(bytes, isYaml(file), origin);
  }

  /** Parses manifest text; {@code origin} names it in errors. */
  public static ArtifactManifest parse(byte[] bytes, boolean yaml, String origin) throws ManifestException {
    if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      throw new ManifestException(origin + ": the manifest is empty");
    }
    ObjectMapper mapper = yaml ? YAML : JSON;
    try {
      JsonNode tree = mapper.readTree(bytes);
      if (tree == null || !tree.isObject()) {
        throw new ManifestException(origin + ": the manifest must be a " + (yaml ? "YAML mapping" : "JSON object"));
      }
      Optional<String> other = OtherDialects.describe(tree);
      if (other.isPresent()) {
        throw new InvalidManifestException(origin + ": " + other.get());
      }
      return mapper.treeToValue(tree, ArtifactManifest.class);
    } catch (JsonMappingException e) {
      throw new ManifestException(origin + ": " + fieldPath(e) + describe(e));
    } catch (JsonProcessingException e) {
      throw new ManifestException(origin + ": not valid " + (yaml ? "YAML" : "JSON") + " (" + describe(e)
          + locate(e) + ")");
    } catch (IOException e) {
      throw new ManifestException(origin + ": cannot read: " + e.getMessage());
    }
  }

  /**
   * Reads the fields needed to report on a manifest that does not parse as a whole (vm name, job id);
   * returns an empty tree when even that is impossible.
   */
  public static JsonNode readLenient(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      JsonNode tree = (isYaml(file) ? YAML : JSON).readTree(bytes);
      return tree == null ? JSON.createObjectNode() : tree;
    } catch (IOException | RuntimeException e) {
      return JSON.createObjectNode();
    }
  }

  /** Serialises as JSON. */
  public static String toJson(ArtifactManifest manifest) {
    try {
      return JSON.writeValueAsString(manifest);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("manifest cannot be serialised", e);
    }
  }

  /** Serialises as YAML. */
  public static String toYaml(ArtifactManifest manifest) {
    try {
      return YAML.writeValueAsString(manifest);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("manifest cannot be serialised", e);
    }
  }

  /** Writes through a temp file and an atomic rename, as YAML or JSON by the file name. */
  public static void write(ArtifactManifest manifest, Path file) throws IOException {
    String text = isYaml(file) ? toYaml(manifest) : toJson(manifest) + "\n";
    AtomicFiles.write(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static String fieldPath(JsonMappingException e) {
    String path = e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining());
    if (path.startsWith(".")) {
      path = path.substring(1);
    }
    return path.isEmpty() ? "" : path + ": ";
  }

  private static String describe(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mismatch
        && mismatch.getTargetType() != null) {
      return "expected " + typeName(mismatch.getTargetType()) + " (" + firstLine(message) + ")";
    }
    return firstLine(message);
  }

  private static String typeName(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "an object";
  }

  private static String locate(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
        + e.getLocation().getColumnNr();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
