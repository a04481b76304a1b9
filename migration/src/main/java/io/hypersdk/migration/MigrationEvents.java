package io.hypersdk.migration;

import io.hypersdk.pipeline.PipelineEvents;
import io.hypersdk.providers.ExportProgress;

/** Everything a migration reports while it runs: export progress and pipeline events. */
public interface MigrationEvents extends PipelineEvents {
  MigrationEvents NONE = new MigrationEvents() {};

  default ExportProgress exportProgress() {
    return ExportProgress.NONE;
  }
}
