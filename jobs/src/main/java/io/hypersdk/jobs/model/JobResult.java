package io.hypersdk.jobs.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hypersdk.migration.MigrationResult;
import io.hypersdk.pipeline.JobOutcome;
import io.hypersdk.queue.BootCheckReport;
import io.hypersdk.queue.GuestChange;
import java.util.List;

/**
 * What a finished job produced: the exported VM and manifest, how the pipeline ran and why (direct or
 * daemon mode), the converted disks, the libvirt domain, the warnings, what the fix changed in the guest and
 * how the boot check went (null when none ran or the converter does not report it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobResult(
    boolean success,
    String vmName,
    String manifest,
    List<String> exportedFiles,
    long totalSize,
    String pipelineMode,
    String pipelineReason,
    String converter,
    String daemonJobId,
    JobOutcome daemonJobState,
    List<String> outputs,
    String domainXml,
    String libvirtDomain,
    boolean libvirtDefined,
    List<String> warnings,
    MigrationResult.Step failedStep,
    String error,
    long durationMs,
    List<GuestChange> changes,
    BootCheckReport bootCheck) {}
