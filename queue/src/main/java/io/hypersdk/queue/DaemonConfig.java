package io.hypersdk.queue;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The queue daemon's settings, from {@code /etc/hyper2kvm/hyper2kvm.conf} or {@code /etc/hyper2kvm/INSTANCE.yaml}
 * (YAML), then overridden by flags. Absent keys take the defaults below. {@code bootCheck} (off, on, warn) and
 * {@code bootCheckTimeout} apply to manifests whose {@code pipeline.boot_check} does not say.
 */
public record DaemonConfig(
    String instance,
    Path watchDir,
    Path outputDir,
    Path workdir,
    int maxConcurrent,
    String outFormat,
    boolean compress,
    Integer compressLevel,
    int heartbeatSeconds,
    int rescanSeconds,
    int stopTimeoutSeconds,
    String bootCheck,
    int bootCheckTimeout,
    String converter) {

  public static final Path CONFIG_DIR = Path.of("/etc/hyper2kvm");
  public static final Path DEFAULT_CONFIG = CONFIG_DIR.resolve("hyper2kvm.conf");
  /** Overrides {@link #CONFIG_DIR}, where instance configs are read from. */
  public static final String ENV_CONFIG_DIR = "HYPER2KVM_CONFIG_DIR";
  /** Seconds a boot check waits for the guest when neither the manifest nor the config says: enough under TCG. */
  public static final int DEFAULT_BOOT_CHECK_TIMEOUT = 300;
  private static final Set<String> FORMATS = Set.of("qcow2", "raw", "vdi");
  /** Values of {@code converter}: the built-in single-pass converter (default), or qemu-img for every disk. */
  public static final List<String> CONVERTERS = List.of(OutputFile.CONVERTER_NATIVE, OutputFile.CONVERTER_QEMU_IMG);

  /** The YAML file's keys, all optional. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  public record FileSettings(
      String instance,
      String watchDir,
      String outputDir,
      String workdir,
      Integer maxConcurrent,
      String outFormat,
      Boolean compress,
      Integer compressLevel,
      Integer heartbeatSeconds,
      Integer rescanSeconds,
      Integer stopTimeoutSeconds,
      String bootCheck,
      Integer bootCheckTimeout,
      String converter) {
    static final FileSettings EMPTY = new FileSettings(null, null, null, null, null, null, null, null, null, null, null,
        null, null, null);
    /** The keys as written in the file, in order: what an unknown key's error lists, and what the docs check. */
    public static final List<String> KEYS = yamlKeys(FileSettings.class);
  }

  /** The snake_case YAML keys of a settings record's components, as the mappers here read them. */
  public static List<String> yamlKeys(Class<? extends Record> settings) {
    var snake = new PropertyNamingStrategies.SnakeCaseStrategy();
    return Arrays.stream(settings.getRecordComponents()).map(c -> snake.translate(c.getName())).toList();
  }

  private static final ObjectMapper YAML = YAMLMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  /** Where instance configs are: {@code given} (a flag or config key), else $HYPER2KVM_CONFIG_DIR, else /etc/hyper2kvm. */
  public static Path configDir(Path given) {
    return configDir(given, System.getenv(ENV_CONFIG_DIR));
  }

  /** {@link #configDir(Path)} with the environment variable's value ({@code env}, null when unset) given. */
  public static Path configDir(Path given, String env) {
    Path dir = given != null ? given : env != null && !env.isBlank() ? Path.of(env) : CONFIG_DIR;
    return dir.toAbsolutePath().normalize();
  }

  /** The config file for an instance, or the main one. */
  public static Path configFileFor(Path configDir, String instance) {
    return instance == null || instance.isBlank() ? configDir.resolve("hyper2kvm.conf")
        : configDir.resolve(instance + ".yaml");
  }

  /**
   * Reads a config file; a missing file gives the defaults only when {@code required} is false. Errors
   * name the file and the key.
   */
  public static FileSettings readFile(Path file, boolean required) throws ConfigException {
    try {
      byte[] bytes = Files.readAllBytes(file);
      // A file of comments only (as packaged examples often are) is a YAML document without content.
      com.fasterxml.jackson.databind.JsonNode tree = YAML.readTree(bytes);
      if (tree == null || tree.isMissingNode() || tree.isNull()) {
        return FileSettings.EMPTY;
      }
      FileSettings s = YAML.treeToValue(tree, FileSettings.class);
      return s == null ? FileSettings.EMPTY : s;
    } catch (NoSuchFileException e) {
      if (required) {
        throw new ConfigException("config file " + file + " does not exist");
      }
      return FileSettings.EMPTY;
    } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
      throw new ConfigException(file + ": unknown key '" + e.getPropertyName() + "' (known: "
          + String.join(", ", FileSettings.KEYS) + ")");
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
      // A value of the wrong type: name its key, which Jackson only gives on a later line of its message.
      String key = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
          .collect(Collectors.joining("."));
      String msg = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage().lines().findFirst().orElse("");
      throw new ConfigException(file + ": " + (key.isEmpty() ? "" : key + ": ") + msg);
    } catch (IOException e) {
      String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      throw new ConfigException(file + ": " + msg);
    }
  }

  /** Combines file settings with flag overrides (null = not given) and checks the result. */
  public static DaemonConfig resolve(FileSettings file, String instance, Path watchDir, Path outputDir,
      Integer maxConcurrent) throws ConfigException {
    String inst = instance != null ? instance : file.instance();
    Path watch = watchDir != null ? watchDir : file.watchDir() != null ? Path.of(file.watchDir())
        : QueueLayout.DEFAULT_WATCH_DIR;
    Path output = outputDir != null ? outputDir : file.outputDir() != null ? Path.of(file.outputDir())
        : QueueLayout.DEFAULT_OUTPUT_DIR;
    Path work = file.workdir() != null ? Path.of(file.workdir()) : QueueLayout.workDir(output);
    int concurrent = maxConcurrent != null ? maxConcurrent : file.maxConcurrent() != null ? file.maxConcurrent()
        : Runtime.getRuntime().availableProcessors();
    String format = file.outFormat() != null ? file.outFormat() : "qcow2";
    if (concurrent < 1) {
      throw new ConfigException("max_concurrent must be at least 1, not " + concurrent);
    }
    if (!FORMATS.contains(format)) {
      throw new ConfigException("out_format must be qcow2, raw or vdi, not '" + format + "'");
    }
    if (file.compressLevel() != null && (file.compressLevel() < 1 || file.compressLevel() > 9)) {
      throw new ConfigException("compress_level must be from 1 to 9, not " + file.compressLevel());
    }
    // YAML 1.1 reads an unquoted on/off as a boolean, which arrives here as "true"/"false".
    String bootCheck = file.bootCheck() == null || "false".equals(file.bootCheck()) ? "off"
        : "true".equals(file.bootCheck()) ? "on" : file.bootCheck();
    if (!io.hypersdk.manifest.Pipeline.BOOT_CHECK_MODES.contains(bootCheck)) {
      throw new ConfigException("boot_check must be off, on or warn, not '" + bootCheck + "'");
    }
    String converter = file.converter() != null ? file.converter() : OutputFile.CONVERTER_NATIVE;
    if (!CONVERTERS.contains(converter)) {
      throw new ConfigException("converter must be native or qemu-img, not '" + converter + "'");
    }
    if (inst != null && !inst.matches("[A-Za-z0-9_.@-]+")) {
      throw new ConfigException("instance '" + inst + "' may only contain letters, digits, '_', '.', '@' and '-'");
    }
    String[] keys = {"watch_dir", "output_dir", "workdir"};
    Path[] dirs = {watch, output, work};
    for (int i = 0; i < dirs.length; i++) {
      if (!dirs[i].isAbsolute()) {
        throw new ConfigException(keys[i] + " must be an absolute path, not '" + dirs[i] + "'");
      }
    }
    return new DaemonConfig(inst, watch, output, work, concurrent, format,
        Boolean.TRUE.equals(file.compress()), file.compressLevel(),
        positive(file.heartbeatSeconds(), 2, "heartbeat_seconds"),
        positive(file.rescanSeconds(), 2, "rescan_seconds"),
        positive(file.stopTimeoutSeconds(), 30, "stop_timeout_seconds"), bootCheck,
        positive(file.bootCheckTimeout(), DEFAULT_BOOT_CHECK_TIMEOUT, "boot_check_timeout"), converter);
  }

  public QueueLayout layout() {
    return new QueueLayout(watchDir, outputDir);
  }

  private static int positive(Integer value, int fallback, String key) throws ConfigException {
    if (value == null) {
      return fallback;
    }
    if (value < 1) {
      throw new ConfigException(key + " must be at least 1, not " + value);
    }
    return value;
  }

  /** A configuration problem, said in one line. */
  public static final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
      super(message);
    }
  }
}
