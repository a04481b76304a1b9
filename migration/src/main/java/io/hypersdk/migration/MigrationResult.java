package io.hypersdk.migration;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;
import io.hypersdk.pipeline.PipelineResult;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.ProviderException;
import java.util.Locale;

/**
 * What a migration did: the export, the manifest written, and the pipeline's result when it ran. On failure,
 * {@code failedStep} says where, and {@code providerFailure} what kind of provider failure it was (an exit code
 * tells refused credentials, a missing permission, a quota and the network apart).
 */
public record MigrationResult(boolean success, String vm, String jobId, ExportedVm export, String manifest,
    PipelineResult pipeline, long exportMs, Step failedStep, String error,
    @JsonIgnore ProviderException.Kind providerFailure) {

  /** A result whose failure, if any, did not come from the provider. */
  public MigrationResult(boolean success, String vm, String jobId, ExportedVm export, String manifest,
      PipelineResult pipeline, long exportMs, Step failedStep, String error) {
    this(success, vm, jobId, export, manifest, pipeline, exportMs, failedStep, error, null);
  }

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
