package io.hypersdk.queue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What converting one manifest produced. Written as {@code VM.result.json}, embedded in the job record,
 * and printed by {@code hyperconvert --json}. {@code changes} lists what the fix stage changed in the guest;
 * {@code bootCheck} is null when no boot check was asked for.
 */
public record ConversionResult(
    String status,
    String jobId,
    String vmName,
    String manifest,
    List<OutputFile> outputs,
    String domainXml,
    List<StageReport> stages,
    List<String> warnings,
    Map<String, Long> timingsMs,
    String error,
    List<GuestChange> changes,
    BootCheckReport bootCheck) {

  public static final String COMPLETED = "completed";
  public static final String FAILED = "failed";
  public static final String DRY_RUN = "dry-run";

  /** A result without guest changes or a boot check, as from a conversion that ran neither. */
  public ConversionResult(String status, String jobId, String vmName, String manifest, List<OutputFile> outputs,
      String domainXml, List<StageReport> stages, List<String> warnings, Map<String, Long> timingsMs, String error) {
    this(status, jobId, vmName, manifest, outputs, domainXml, stages, warnings, timingsMs, error, null, null);
  }

  public ConversionResult {
    changes = changes == null ? List.of() : List.copyOf(changes);
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
    stages = stages == null ? List.of() : List.copyOf(stages);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
    timingsMs = timingsMs == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(timingsMs));
  }

  public boolean succeeded() {
    return COMPLETED.equals(status) || DRY_RUN.equals(status);
  }

  /** The disk outputs, boot disk first. */
  public List<OutputFile> disks() {
    return outputs.stream().filter(o -> OutputFile.ROLE_DISK.equals(o.role())).toList();
  }
}
