package io.hypersdk.jobs.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A job as the API returns it: definition, status, progress, result and timestamps (ISO 8601, UTC). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Job(
    String id,
    JobDefinition definition,
    String status,
    JobProgress progress,
    JobResult result,
    String error,
    String createdAt,
    String startedAt,
    String completedAt,
    String updatedAt) {}
