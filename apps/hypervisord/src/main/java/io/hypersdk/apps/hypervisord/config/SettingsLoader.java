package io.hypersdk.apps.hypervisord.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.hypersdk.jobs.connections.Connections;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.Providers;
import io.hypersdk.queue.DaemonConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads the YAML config file and lays the flags over it (a flag given wins), checking every value. */
public final class SettingsLoader {
  private static final ObjectMapper YAML = YAMLMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private SettingsLoader() {}

  /** The config file's keys, all optional. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record FileSettings(String listen, String dataDir, Integer maxConcurrentJobs, String apiTokenFile,
      String maxBodySize, List<String> outputRoots, String hyper2kvmConfigDir,
      Map<String, Map<String, Object>> connections) {
    public static final FileSettings EMPTY = new FileSettings(null, null, null, null, null, null, null, null);
    /** The keys as written in the file, in order: what an unknown key's error lists, and what the docs check. */
    public static final List<String> KEYS = DaemonConfig.yamlKeys(FileSettings.class);
  }

  /** A setting is wrong; the message names the key or flag. */
  public static final class SettingsException extends Exception {
    private static final long serialVersionUID = 1L;

    public SettingsException(String message) {
      super(message);
    }
  }

  public static FileSettings readFile(Path file) throws SettingsException {
    if (file == null) {
      return FileSettings.EMPTY;
    }
    try {
      byte[] bytes = Files.readAllBytes(file);
      FileSettings s = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank() ? null
          : YAML.readValue(bytes, FileSettings.class);
      return s == null ? FileSettings.EMPTY : s;
    } catch (NoSuchFileException e) {
      throw new SettingsException("config file " + file + " does not exist");
    } catch (UnrecognizedPropertyException e) {
      throw new SettingsException(file + ": unknown key '" + e.getPropertyName() + "' (known: "
          + String.join(", ", FileSettings.KEYS) + ")");
    } catch (JsonMappingException e) {
      String key = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
          .collect(Collectors.joining("."));
      throw new SettingsException(file + ": " + key + ": wrong type");
    } catch (IOException e) {
      throw new SettingsException(file + ": " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  /** Combines the file with flags (null: not given); {@code env} is HYPER2KVM_CONFIG_DIR's value or null. */
  public static DaemonSettings resolve(FileSettings f, String listen, Path dataDir, Integer maxConcurrent,
      Path tokenFile, String maxBody, List<Path> outputRoots, Path configDir, String env) throws SettingsException {
    String l = first(listen, f.listen(), DaemonSettings.DEFAULT_LISTEN);
    int colon = l.lastIndexOf(':');
    if (colon < 1) {
      throw new SettingsException("listen: '" + l + "' must be HOST:PORT, e.g. 127.0.0.1:8080");
    }
    String host = l.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(l.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new SettingsException("listen: port '" + l.substring(colon + 1) + "' is not a number");
    }
    if (port < 0 || port > 65535) {
      throw new SettingsException("listen: port " + port + " is out of range");
    }
    Path data = dataDir != null ? dataDir : f.dataDir() != null ? Path.of(f.dataDir()) : DaemonSettings.DEFAULT_DATA_DIR;
    int concurrent = maxConcurrent != null ? maxConcurrent : f.maxConcurrentJobs() != null ? f.maxConcurrentJobs()
        : DaemonSettings.DEFAULT_MAX_CONCURRENT;
    if (concurrent < 1 || concurrent > 256) {
      throw new SettingsException("max_concurrent_jobs: must be from 1 to 256, not " + concurrent);
    }
    Path token = tokenFile != null ? tokenFile : f.apiTokenFile() != null ? Path.of(f.apiTokenFile()) : null;
    String bodyText = first(maxBody, f.maxBodySize(), null);
    long body = bodyText == null ? DaemonSettings.DEFAULT_MAX_BODY : size(bodyText);
    List<Path> roots = outputRoots != null && !outputRoots.isEmpty() ? outputRoots
        : f.outputRoots() == null ? List.of() : f.outputRoots().stream().map(Path::of).toList();
    for (Path r : roots) {
      if (!r.isAbsolute()) {
        throw new SettingsException("output_roots: '" + r + "' must be an absolute path");
      }
    }
    Path h2k = DaemonConfig.configDir(configDir != null ? configDir
        : f.hyper2kvmConfigDir() != null ? Path.of(f.hyper2kvmConfigDir()) : null, env);
    Connections connections;
    try {
      connections = Connections.define(Providers.discover(), f.connections() == null ? Map.of() : f.connections(),
          System.getenv());
    } catch (ProviderException e) {
      throw new SettingsException(e.getMessage());
    }
    return new DaemonSettings(host, port, data.toAbsolutePath().normalize(), concurrent,
        token == null ? null : token.toAbsolutePath(), body, roots, h2k.toAbsolutePath(), connections);
  }

  /** The environment variable that moves the hyper2kvm config dir, as for the pipeline. */
  public static String configDirEnv() {
    return System.getenv(DaemonConfig.ENV_CONFIG_DIR);
  }

  /** {@code 1048576}, {@code 512k}, {@code 4m}: bytes, KiB, MiB. */
  static long size(String text) throws SettingsException {
    String t = text.strip().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (t.endsWith("k") || t.endsWith("m")) {
      unit = t.endsWith("k") ? 1024 : 1024 * 1024;
      t = t.substring(0, t.length() - 1);
    }
    try {
      long v = Long.parseLong(t) * unit;
      if (v < 1024) {
        throw new SettingsException("max_body_size: must be at least 1k, not '" + text + "'");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new SettingsException("max_body_size: '" + text + "' is not a size (bytes, or with k or m)");
    }
  }

  private static String first(String a, String b, String c) {
    return a != null ? a : b != null ? b : c;
  }
}
