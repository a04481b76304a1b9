package io.hypersdk.jobs.submit;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.jobs.connections.Connections;
import io.hypersdk.jobs.connections.NamedConnection;
import io.hypersdk.jobs.model.JobDefinition;
import io.hypersdk.jobs.model.JobOptions;
import io.hypersdk.jobs.store.JobStore;
import io.hypersdk.manifest.Pipeline;
import io.hypersdk.migration.MigrationRequestMapper;
import io.hypersdk.providers.InvalidSettingException;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads one job definition (the design's Web API shape) and checks every field, naming the field in each
 * error. Unknown fields are refused rather than silently ignored, so a misspelt option never means a job
 * that quietly runs differently than asked.
 */
public final class JobParser {
  private static final Set<String> FIELDS = Set.of("id", "name", "vm_path", "output_dir", "output_path", "format",
      "provider", "connection", "settings", "options", "vcenter", "vcenter_url", "username", "password", "insecure");
  private static final Set<String> OPTIONS = Set.of("enable_pipeline", "hyper2kvm_path", "hyper2kvm_daemon",
      "hyper2kvm_instance", "hyper2kvm_watch_dir", "hyper2kvm_output_dir", "hyper2kvm_poll_interval",
      "hyper2kvm_daemon_timeout", "libvirt_integration", "libvirt_uri", "libvirt_autostart", "fix", "boot_check",
      "boot_check_timeout");
  /**
   * The design's {@code vcenter} block and the legacy top-level fields, as provider settings; the generic
   * {@code settings} object (by the provider's schema) wins over both.
   */
  private static final Map<String, String> VCENTER = Map.of("server", "url", "username", "username",
      "password", "password", "insecure", "insecure");
  private static final Map<String, String> LEGACY = Map.of("vcenter_url", "url", "username", "username",
      "password", "password", "insecure", "insecure");
  private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
  /** The provider used when a job names none, as hyperexport's --provider defaults to. */
  public static final String DEFAULT_PROVIDER = "vsphere";

  private final Connections connections;
  private final OutputRoots roots;

  public JobParser(Connections connections, OutputRoots roots) {
    this.connections = connections;
    this.roots = roots;
  }

  public SubmittedJob parse(JsonNode node) throws InvalidJobException {
    if (node == null || !node.isObject()) {
      throw new InvalidJobException("job", "must be an object");
    }
    unknown(node, FIELDS, "");
    String id = text(node, "id", "id");
    if (id == null) {
      id = UUID.randomUUID().toString();
    } else if (!ID.matcher(id).matches()) {
      throw new InvalidJobException("id", "must be 1-128 letters, digits, '.', '_' or '-'");
    }
    String vmPath = text(node, "vm_path", "vm_path");
    if (vmPath == null || vmPath.isBlank()) {
      throw new InvalidJobException("vm_path", "is required");
    }
    String outputField = node.has("output_dir") ? "output_dir" : "output_path";
    String outputDir = text(node, outputField, outputField);
    if (outputDir == null || outputDir.isBlank()) {
      throw new InvalidJobException("output_dir", "is required");
    }
    checkWritablePath(outputField, outputDir);
    String format = text(node, "format", "format");
    format = format == null ? "ovf" : format.toLowerCase(Locale.ROOT);
    if (!format.equals("ovf") && !format.equals("ova")) {
      throw new InvalidJobException("format", "must be ovf or ova, not '" + format + "'");
    }
    String connection = text(node, "connection", "connection");
    String provider = provider(text(node, "provider", "provider"), connection);
    String name = text(node, "name", "name");
    JobOptions options = options(node.get("options"));

    Map<String, Object> given = new LinkedHashMap<>();
    Map<String, String> fieldOf = new HashMap<>();
    for (Map.Entry<String, String> e : LEGACY.entrySet()) {
      put(node, e.getKey(), e.getKey(), e.getValue(), given, fieldOf);
    }
    JsonNode vc = node.get("vcenter");
    if (vc != null && !vc.isNull()) {
      if (!vc.isObject()) {
        throw new InvalidJobException("vcenter", "must be an object");
      }
      unknown(vc, VCENTER.keySet(), "vcenter.");
      for (Map.Entry<String, String> e : VCENTER.entrySet()) {
        put(vc, e.getKey(), "vcenter." + e.getKey(), e.getValue(), given, fieldOf);
      }
    }
    JsonNode settings = node.get("settings");
    if (settings != null && !settings.isNull()) {
      if (!settings.isObject()) {
        throw new InvalidJobException("settings", "must be an object");
      }
      for (Iterator<String> it = settings.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        put(settings, key, "settings." + key, key, given, fieldOf);
      }
    }
    ProviderSettings resolved;
    try {
      resolved = connections.settings(provider, connection, given);
    } catch (InvalidSettingException e) {
      throw new InvalidJobException(fieldOf.getOrDefault(e.setting(), e.setting().equals("connection") ? "connection"
          : "settings." + e.setting()), e.reason());
    } catch (ProviderException e) {
      throw new InvalidJobException("provider", e.getMessage());
    }
    Map<String, String> own = new TreeMap<>();
    Map<String, String> secrets = new TreeMap<>();
    for (String key : given.keySet()) {
      resolved.get(key).ifPresent(v -> (resolved.secrets().contains(key) ? secrets : own).put(key, v));
    }
    JobDefinition def = new JobDefinition(id, name == null ? vmPath : name, vmPath,
        Path.of(outputDir).toAbsolutePath().normalize().toString(), format, provider, connection, own,
        secrets.isEmpty() ? null : JobDefinition.CREDENTIALS_IN_MEMORY, options, JobStore.now());
    return new SubmittedJob(def, secrets);
  }

  /** The job's provider: the one named, else the connection's, else the default; it must be in this build. */
  private String provider(String named, String connection) throws InvalidJobException {
    String provider = named;
    if (connection != null) {
      NamedConnection c;
      try {
        c = connections.require(connection);
      } catch (InvalidSettingException e) {
        throw new InvalidJobException("connection", e.reason());
      }
      if (provider != null && !provider.equals(c.provider())) {
        throw new InvalidJobException("provider", "'" + provider + "' differs from connection '" + connection
            + "', which is " + c.provider());
      }
      provider = c.provider();
    }
    provider = provider == null ? DEFAULT_PROVIDER : provider;
    List<String> available = connections.providers().names();
    if (!available.contains(provider)) {
      throw new InvalidJobException("provider", "'" + provider + "' is not available in this build (available: "
          + String.join(", ", available) + ")");
    }
    return provider;
  }

  /** A scalar setting value under {@code key} of {@code node}, remembered with the field it came from. */
  private static void put(JsonNode node, String key, String field, String setting, Map<String, Object> given,
      Map<String, String> fieldOf) throws InvalidJobException {
    JsonNode v = node.get(key);
    // An empty string is "not given", as a form's untouched field sends it.
    if (v == null || v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
      return;
    }
    if (!v.isValueNode()) {
      throw new InvalidJobException(field, "must be a string, a number or true/false");
    }
    given.put(setting, v.asText());
    fieldOf.put(setting, field);
  }

  private JobOptions options(JsonNode o) throws InvalidJobException {
    if (o == null || o.isNull()) {
      return JobOptions.NONE;
    }
    if (!o.isObject()) {
      throw new InvalidJobException("options", "must be an object");
    }
    unknown(o, OPTIONS, "options.");
    String h2kPath = text(o, "hyper2kvm_path", "options.hyper2kvm_path");
    if (h2kPath != null && !Path.of(h2kPath).isAbsolute()) {
      throw new InvalidJobException("options.hyper2kvm_path", "must be an absolute path");
    }
    String instance = text(o, "hyper2kvm_instance", "options.hyper2kvm_instance");
    if (instance != null && !INSTANCE.matcher(instance).matches()) {
      throw new InvalidJobException("options.hyper2kvm_instance", "must be letters, digits, '.', '_' or '-'");
    }
    String watch = text(o, "hyper2kvm_watch_dir", "options.hyper2kvm_watch_dir");
    if (watch != null) {
      checkWritablePath("options.hyper2kvm_watch_dir", watch);
    }
    String out = text(o, "hyper2kvm_output_dir", "options.hyper2kvm_output_dir");
    if (out != null) {
      checkWritablePath("options.hyper2kvm_output_dir", out);
    }
    Double poll = positive(o, "hyper2kvm_poll_interval");
    Double timeout = positive(o, "hyper2kvm_daemon_timeout");
    String uri = text(o, "libvirt_uri", "options.libvirt_uri");
    if (uri != null && !uri.matches("[a-z][a-z0-9+.-]*:.*")) {
      throw new InvalidJobException("options.libvirt_uri", "must be a libvirt URI such as qemu:///system");
    }
    Boolean fix = bool(o, "fix", "options.fix");
    String bootCheck = text(o, "boot_check", "options.boot_check");
    if (bootCheck != null && !Pipeline.BOOT_CHECK_MODES.contains(bootCheck)) {
      throw new InvalidJobException("options.boot_check", "must be off, on or warn, not '" + bootCheck + "'");
    }
    return new JobOptions(flag(o, "enable_pipeline"), h2kPath, flag(o, "hyper2kvm_daemon"), instance, watch, out,
        poll, timeout, flag(o, "libvirt_integration"), uri, flag(o, "libvirt_autostart"), fix == null || fix,
        bootCheck, bootCheckTimeout(o));
  }

  private static Integer bootCheckTimeout(JsonNode o) throws InvalidJobException {
    JsonNode v = o.get("boot_check_timeout");
    if (v == null || v.isNull()) {
      return null;
    }
    int min = Pipeline.MIN_BOOT_CHECK_TIMEOUT_SECONDS;
    if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min) {
      throw new InvalidJobException("options.boot_check_timeout", "must be a whole number of seconds, at least " + min);
    }
    return v.asInt();
  }

  private void checkWritablePath(String field, String value) throws InvalidJobException {
    Path p = Path.of(value);
    if (!p.isAbsolute()) {
      throw new InvalidJobException(field, "must be an absolute path");
    }
    if (!roots.allows(p)) {
      throw new InvalidJobException(field, "must be under an output root of this daemon (" + roots.describe() + ")");
    }
  }

  private static void unknown(JsonNode node, Set<String> known, String prefix) throws InvalidJobException {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw new InvalidJobException(prefix + f, "unknown field");
      }
    }
  }

  private static String text(JsonNode node, String key, String field) throws InvalidJobException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new InvalidJobException(field, "must be a string");
    }
    return v.asText();
  }

  private static Boolean bool(JsonNode node, String key, String field) throws InvalidJobException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      throw new InvalidJobException(field, "must be true or false");
    }
    return v.asBoolean();
  }

  private static boolean flag(JsonNode o, String key) throws InvalidJobException {
    Boolean b = bool(o, key, "options." + key);
    return b != null && b;
  }

  private static Double positive(JsonNode o, String key) throws InvalidJobException {
    JsonNode v = o.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber() || !(v.asDouble() > 0)) {
      throw new InvalidJobException("options." + key, "must be a positive number");
    }
    return v.asDouble();
  }

}
