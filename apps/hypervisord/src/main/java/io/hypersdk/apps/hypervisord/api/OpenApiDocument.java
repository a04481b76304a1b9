package io.hypersdk.apps.hypervisord.api;

import io.hypersdk.jobs.submit.JobParser;
import io.hypersdk.manifest.Pipeline;
import io.hypersdk.migration.MigrationRequestMapper;
import io.hypersdk.pipeline.PipelineOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The OpenAPI 3.0 document of the API, made from the same {@link ApiRoute} list the router registers. */
public final class OpenApiDocument {
  private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");

  /** Provider settings by the names GET /providers lists; secret ones are held in memory only. */
  private static final Map<String, Object> SETTINGS = Map.of("type", "object", "description", "provider settings "
      + "by the provider's schema (GET /providers); secret settings are kept in memory only, never stored or "
      + "returned", "additionalProperties", Map.of("oneOf", List.of(Map.of("type", "string"),
          Map.of("type", "number"), Map.of("type", "boolean"))));

  private OpenApiDocument() {}

  public static Map<String, Object> build(String version, List<ApiRoute> routes) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("openapi", "3.0.3");
    doc.put("info", Map.of("title", "hypervisord", "version", version,
        "description", "HyperSDK job daemon: export VMs and convert them for KVM through the pipeline."));
    Map<String, Object> paths = new LinkedHashMap<>();
    for (ApiRoute r : routes) {
      @SuppressWarnings("unchecked")
      Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(r.path(), p -> new LinkedHashMap<>());
      item.put(r.method().name().toLowerCase(Locale.ROOT), operation(r));
    }
    doc.put("paths", paths);
    doc.put("components", Map.of(
        "securitySchemes", Map.of("bearer", Map.of("type", "http", "scheme", "bearer")),
        "schemas", schemas()));
    return doc;
  }

  private static Map<String, Object> operation(ApiRoute r) {
    Map<String, Object> op = new LinkedHashMap<>();
    op.put("summary", r.summary());
    Matcher m = PARAM.matcher(r.path());
    List<Object> params = new ArrayList<>();
    while (m.find()) {
      params.add(Map.of("name", m.group(1), "in", "path", "required", true, "schema", Map.of("type", "string")));
    }
    if (r.path().equals("/jobs")) {
      params.add(Map.of("name", "status", "in", "query", "schema", Map.of("type", "string",
          "enum", List.of("pending", "running", "completed", "failed", "cancelled"))));
      params.add(Map.of("name", "limit", "in", "query", "schema", Map.of("type", "integer", "minimum", 1)));
    }
    if (!params.isEmpty()) {
      op.put("parameters", params);
    }
    if (r.requestBody() != null) {
      Map<String, Object> schema = Map.of("$ref", "#/components/schemas/" + r.requestBody());
      op.put("requestBody", Map.of("required", true, "content", Map.of(
          "application/json", Map.of("schema", schema), "application/yaml", Map.of("schema", schema))));
    }
    Map<String, Object> responses = new LinkedHashMap<>();
    String type = r.produces().startsWith("text/plain") ? "text/plain" : r.produces();
    Map<String, Object> body = r.response() == null ? Map.of() : Map.of("schema", RecordSchemas.of(r.response()));
    responses.put("200", Map.of("description", "OK", "content", Map.of(type, body)));
    if (r.requestBody() != null || !params.isEmpty()) {
      responses.put("400", error("Invalid request; the body names the field"));
    }
    if (r.authenticated()) {
      responses.put("401", error("Missing or invalid bearer token"));
      op.put("security", List.of(Map.of("bearer", List.of())));
    } else {
      op.put("security", List.of());
    }
    if (r.produces().equals(ApiRoute.EVENT_STREAM)) {
      responses.put("406", error("The request does not accept text/event-stream"));
    }
    if (r.path().contains("{id}")) {
      responses.put("404", error("No such job"));
    }
    if (r.path().contains("{name}")) {
      responses.put("404", error(r.path().startsWith("/providers") ? "No such provider" : "No such connection"));
    }
    if (r.path().endsWith("/vms")) {
      responses.put("502", error("The provider's platform failed: unreachable, or the login was refused"));
    }
    if (r.requestBody() != null) {
      responses.put("413", error("Body larger than the daemon's limit"));
    }
    op.put("responses", responses);
    return op;
  }

  private static Map<String, Object> error(String description) {
    return Map.of("description", description, "content", Map.of(ApiRoute.JSON,
        Map.of("schema", RecordSchemas.of(ErrorResponse.class))));
  }

  private static Map<String, Object> schemas() {
    Map<String, Object> str = Map.of("type", "string");
    Map<String, Object> bool = Map.of("type", "boolean");
    Map<String, Object> num = Map.of("type", "number");
    Map<String, Object> options = new LinkedHashMap<>();
    Map<String, Object> off = Map.of("type", "boolean", "default", false);
    options.put("enable_pipeline", off);
    options.put("hyper2kvm_path", str);
    options.put("hyper2kvm_daemon", off);
    options.put("hyper2kvm_instance", str);
    options.put("hyper2kvm_watch_dir", str);
    options.put("hyper2kvm_output_dir", str);
    options.put("hyper2kvm_poll_interval", Map.of("type", "number", "description", "seconds",
        "default", PipelineOptions.DEFAULT_POLL_INTERVAL.toSeconds()));
    options.put("hyper2kvm_daemon_timeout", Map.of("type", "number", "description", "minutes",
        "default", PipelineOptions.DEFAULT_DAEMON_TIMEOUT.toMinutes()));
    options.put("libvirt_integration", off);
    options.put("libvirt_uri", Map.of("type", "string", "default", PipelineOptions.DEFAULT_LIBVIRT_URI));
    options.put("libvirt_autostart", off);
    options.put("fix", Map.of("type", "boolean", "default", true,
        "description", "run the converter's fix stage on the guest (drivers, fstab, VMware tools, network)"));
    options.put("boot_check", Map.of("type", "string", "enum", Pipeline.BOOT_CHECK_MODES,
        "description", "boot the converted VM: on fails the job when it does not boot, warn only warns; "
            + "absent: the converter's boot_check setting, else off"));
    options.put("boot_check_timeout", Map.of("type", "integer", "minimum",
        Pipeline.MIN_BOOT_CHECK_TIMEOUT_SECONDS,
        "description", "seconds; absent: the converter's boot_check_timeout, else 300"));
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("id", str);
    job.put("name", str);
    job.put("vm_path", str);
    job.put("output_dir", str);
    job.put("format", Map.of("type", "string", "enum", List.of("ovf", "ova"), "default", "ovf"));
    job.put("provider", Map.of("type", "string", "default", JobParser.DEFAULT_PROVIDER));
    job.put("connection", Map.of("type", "string", "description", "a named connection of the daemon's config "
        + "(GET /connections); its provider is the job's"));
    job.put("settings", SETTINGS);
    job.put("vcenter", Map.of("type", "object", "description", "the design's block: server, username, password "
        + "and insecure are the vsphere settings url, username, password and insecure", "properties",
        Map.of("server", str, "username", str, "password", Map.of("type", "string", "writeOnly", true),
            "insecure", bool)));
    job.put("vcenter_url", Map.of("type", "string", "description", "legacy: the vsphere setting url"));
    job.put("username", Map.of("type", "string", "description", "legacy: the setting username"));
    job.put("password", Map.of("type", "string", "writeOnly", true, "description", "legacy: the setting password"));
    job.put("insecure", Map.of("type", "boolean", "description", "legacy: the setting insecure"));
    job.put("options", Map.of("type", "object", "properties", options));
    Map<String, Object> jobSchema = Map.of("type", "object", "required", List.of("vm_path", "output_dir"),
        "properties", job);
    return Map.of(
        "JobDefinition", jobSchema,
        "JobSubmission", Map.of("oneOf", List.of(
            Map.of("$ref", "#/components/schemas/JobDefinition"),
            Map.of("type", "object", "properties", Map.of("jobs", Map.of("type", "array",
                "items", Map.of("$ref", "#/components/schemas/JobDefinition")))),
            Map.of("type", "array", "items", Map.of("$ref", "#/components/schemas/JobDefinition")))),
        "VmListRequest", Map.of("type", "object", "properties", Map.of("connection", str, "settings", SETTINGS)),
        "CancelRequest", Map.of("type", "object", "required", List.of("job_ids"),
            "properties", Map.of("job_ids", Map.of("type", "array", "items", str))),
        "Number", num);
  }
}
