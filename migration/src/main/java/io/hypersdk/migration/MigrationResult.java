package io.hypersdk.migration;

import io.hypersdk.pipeline.PipelineResult;
import io.hypersdk.providers.ExportedVm;

/**
 * What a migration did: the export, the manifest written, and the pipeline's result when it ran. On failure,
 * {@code failedStep} says where: source (VM not found or not exportable), export, manifest or pipeline.
 */
public record MigrationResult(boolean success, String vm, String jobId, ExportedVm export, String manifest,
    PipelineResult pipeline, long exportMs, String failedStep, String error) {
  public static final String SOURCE = "source";
  public static final String EXPORT = "export";
  public static final String MANIFEST = "manifest";
  public static final String PIPELINE = "pipeline";
}
