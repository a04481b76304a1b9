package io.hypersdk.jobs.model;

/** One line of a job's log. */
public record LogLine(long seq, String jobId, String at, String level, String message) {}
