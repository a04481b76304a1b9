package io.hypersdk.queue;

/**
 * This job's record in {@code output_dir/.jobs/JOB_ID.json}: the one file an exporter waits on. Unlike the
 * {@code VM.*} files, which a later job for the same VM name replaces, it always belongs to this job.
 */
public record JobRecord(
    String jobId,
    JobState state,
    String vmName,
    String manifest,
    String daemon,
    String updatedAt,
    ConversionResult result,
    String error) {}
