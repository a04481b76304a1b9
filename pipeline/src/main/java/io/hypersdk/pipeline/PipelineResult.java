package io.hypersdk.pipeline;

import io.hypersdk.queue.BootCheckReport;
import io.hypersdk.queue.GuestChange;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the pipeline did: success, how it ran and why, outputs, libvirt domain, durations and warnings, and from
 * the converter's own result what its fix changed in the guest and how its boot check went (null: none ran, or
 * the converter does not report it).
 */
public record PipelineResult(
    boolean success,
    String jobId,
    String manifest,
    ExecutionMode execution,
    String converter,
    List<String> outputs,
    String domainXml,
    String libvirtDomain,
    boolean libvirtDefined,
    JobOutcome jobState,
    Map<String, Long> durationsMs,
    List<String> warnings,
    String error,
    List<GuestChange> changes,
    BootCheckReport bootCheck) {

  public PipelineResult {
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
    changes = changes == null ? List.of() : List.copyOf(changes);
    durationsMs = durationsMs == null ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(durationsMs));
  }
}
