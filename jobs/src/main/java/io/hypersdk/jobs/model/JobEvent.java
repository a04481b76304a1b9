package io.hypersdk.jobs.model;

/**
 * Something that happened to a job, as streamed to event clients: {@code type} is {@code status},
 * {@code progress} or {@code log}, {@code data} the new status, the progress or the log line.
 */
public record JobEvent(String type, String jobId, String at, Object data) {}
