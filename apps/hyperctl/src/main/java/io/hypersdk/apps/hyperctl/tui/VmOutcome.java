package io.hypersdk.apps.hyperctl.tui;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.migration.MigrationResult;
import io.hypersdk.pipeline.PipelineResult;
import java.util.ArrayList;
import java.util.List;

/**
 * How one VM's migration ended, whether it ran here or as a hypervisord job: ok, failed or cancelled, the
 * mode used and why, the converted disks, the domain, the manifest and the error.
 */
record VmOutcome(String state, String mode, String modeReason, List<String> outputs, String domainXml,
    String libvirtDomain, String manifest, String jobId, String error) {
  static final String OK = "ok";
  static final String FAILED = "failed";
  static final String CANCELLED = "cancelled";

  VmOutcome {
    outputs = List.copyOf(outputs);
  }

  boolean success() {
    return OK.equals(state);
  }

  static VmOutcome failed(String error) {
    return new VmOutcome(FAILED, null, null, List.of(), null, null, null, null, error);
  }

  static VmOutcome cancelled() {
    return new VmOutcome(CANCELLED, null, null, List.of(), null, null, null, null, null);
  }

  /** A migration that ran in this process. */
  static VmOutcome of(MigrationResult r) {
    PipelineResult p = r.pipeline();
    return new VmOutcome(r.success() ? OK : FAILED, p == null ? null : p.execution().mode(),
        p == null ? null : p.execution().reason(), p == null ? List.of() : p.outputs(),
        p == null ? null : p.domainXml(), p != null && p.libvirtDefined() ? p.libvirtDomain() : null, r.manifest(),
        null, r.success() ? null : r.error());
  }

  /** A finished hypervisord job, as {@code GET /jobs/ID} returns it. */
  static VmOutcome ofJob(JsonNode job) {
    String status = job.path("status").asText();
    JsonNode r = job.path("result");
    List<String> outputs = new ArrayList<>();
    r.path("outputs").forEach(o -> outputs.add(o.asText()));
    String error = r.path("error").asText(job.path("error").asText(null));
    return new VmOutcome(switch (status) {
      case "completed" -> OK;
      case "cancelled" -> CANCELLED;
      default -> FAILED;
    }, r.path("pipeline_mode").asText(null), r.path("pipeline_reason").asText(null), outputs,
        r.path("domain_xml").asText(null), r.path("libvirt_defined").asBoolean() ? r.path("libvirt_domain").asText(null)
        : null, r.path("manifest").asText(null), job.path("id").asText(null), "completed".equals(status) ? null : error);
  }
}
