package io.hypersdk.pipeline;

import java.util.List;
import java.util.Map;

/** What the pipeline did: success, how it ran and why, outputs, libvirt domain, durations and warnings. */
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
    String error) {

  public PipelineResult {
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
    durationsMs = durationsMs == null ? Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(durationsMs));
  }
}
