package io.hypersdk.jobs.submit;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.jobs.model.JobDefinition;
import io.hypersdk.jobs.model.JobOptions;
import io.hypersdk.jobs.store.JobStore;
import java.nio.file.Path;
import java.util.Iterator;
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
      "provider", "options", "vcenter", "vcenter_url", "username", "password", "insecure");
  private static final Set<String> OPTIONS = Set.of("enable_pipeline", "hyper2kvm_path", "hyper2kvm_daemon",
      "hyper2kvm_instance", "hyper2kvm_watch_dir", "hyper2kvm_output_dir", "hyper2kvm_poll_interval",
      "hyper2kvm_daemon_timeout", "libvirt_integration", "libvirt_uri", "libvirt_autostart");
  private static final Set<String> VCENTER = Set.of("server", "username", "password", "insecure");
  private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
  /** The provider used when a job names none, as hyperexport's --provider defaults to. */
  public static final String DEFAULT_PROVIDER = "vsphere";

  private final Set<String> providers;
  private final OutputRoots roots;

  public JobParser(Set<String> providers, OutputRoots roots) {
    this.providers = Set.copyOf(providers);
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
    String provider = text(node, "provider", "provider");
    provider = provider == null ? DEFAULT_PROVIDER : provider;
    if (!providers.contains(provider)) {
      throw new InvalidJobException("provider", "'" + provider + "' is not available in this build (available: "
          + String.join(", ", providers.stream().sorted().toList()) + ")");
    }
    String name = text(node, "name", "name");
    JobOptions options = options(node.get("options"));

    JsonNode vc = node.get("vcenter");
    String server = text(node, "vcenter_url", "vcenter_url");
    String username = text(node, "username", "username");
    String password = text(node, "password", "password");
    Boolean insecure = bool(node, "insecure", "insecure");
    if (vc != null && !vc.isNull()) {
      if (!vc.isObject()) {
        throw new InvalidJobException("vcenter", "must be an object");
      }
      unknown(vc, VCENTER, "vcenter.");
      server = orElse(text(vc, "server", "vcenter.server"), server);
      username = orElse(text(vc, "username", "vcenter.username"), username);
      password = orElse(text(vc, "password", "vcenter.password"), password);
      Boolean i = bool(vc, "insecure", "vcenter.insecure");
      insecure = i != null ? i : insecure;
    }
    JobDefinition.Connection connection = server == null && username == null && insecure == null ? null
        : new JobDefinition.Connection(server, username, insecure);
    String credentials = password == null || password.isEmpty() ? null : JobDefinition.CREDENTIALS_IN_MEMORY;
    JobDefinition def = new JobDefinition(id, name == null ? vmPath : name, vmPath,
        Path.of(outputDir).toAbsolutePath().normalize().toString(), format, provider, connection, credentials, options,
        JobStore.now());
    return new SubmittedJob(def, credentials == null ? null : password);
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
    return new JobOptions(flag(o, "enable_pipeline"), h2kPath, flag(o, "hyper2kvm_daemon"), instance, watch, out,
        poll, timeout, flag(o, "libvirt_integration"), uri, flag(o, "libvirt_autostart"));
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

  private static String orElse(String a, String b) {
    return a != null ? a : b;
  }
}
