package io.hypersdk.migration;

import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.providers.ExportRequest;

/**
 * One VM to migrate: what to export, whether to write the manifest, and whether and how to run the pipeline
 * ({@code pipeline} null means export only).
 */
public record MigrationRequest(ExportRequest export, boolean writeManifest, PipelineOptions pipeline) {
  public boolean runsPipeline() {
    return pipeline != null;
  }
}
