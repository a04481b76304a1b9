package io.hypersdk.migration;

import com.fasterxml.jackson.annotation.JsonValue;
import io.hypersdk.pipeline.PipelineResult;
import io.hypersdk.providers.ExportedVm;
import java.util.Locale;

/**
 * What a migration did: the export, the manifest written, and the pipeline's result when it ran. On failure,
 * {@code failedStep} says where.
 */
public record MigrationResult(boolean success, String vm, String jobId, ExportedVm export, String manifest,
    PipelineResult pipeline, long exportMs, Step failedStep, String error) {

  /** A step of a migration, written in lower case in results and the API. */
  public enum Step {
    /** The VM was not found or cannot be exported. */
    SOURCE,
    EXPORT,
    MANIFEST,
    PIPELINE;

    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
