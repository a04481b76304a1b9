package io.hypersdk.migration;

import io.hypersdk.manifest.Pipeline;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.providers.ExportRequest;

/**
 * One VM to migrate: what to export, whether to write the manifest, whether and how to run the pipeline
 * ({@code pipeline} null means export only), the converter stages the manifest asks for ({@code stages}), and
 * whether a streaming export also keeps the source disks ({@code keepSource}).
 */
public record MigrationRequest(ExportRequest export, boolean writeManifest, PipelineOptions pipeline, Pipeline stages,
    boolean keepSource) {

  /** A request that keeps no source disk a streaming export converted. */
  public MigrationRequest(ExportRequest export, boolean writeManifest, PipelineOptions pipeline, Pipeline stages) {
    this(export, writeManifest, pipeline, stages, false);
  }

  /** A request whose manifest asks for the default stages: the fix on, the boot check left to the converter. */
  public MigrationRequest(ExportRequest export, boolean writeManifest, PipelineOptions pipeline) {
    this(export, writeManifest, pipeline, MigrationRequestMapper.stages(MigrationOptions.builder().build()));
  }

  public boolean runsPipeline() {
    return pipeline != null;
  }
}
