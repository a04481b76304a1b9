package io.hypersdk.jobs.runner;

import io.hypersdk.jobs.model.JobDefinition;
import io.hypersdk.jobs.model.JobOptions;
import io.hypersdk.migration.MigrationRequest;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Turns a job definition into the migration hyperexport would run for the same flags: every pipeline option
 * of the job reaches {@link PipelineOptions}, unset ones keep the pipeline's defaults.
 */
public final class MigrationRequests {
  private final Path hyper2kvmConfigDir;
  private final List<String> bundledConverter;

  /** {@code hyper2kvmConfigDir}: where instance configs are read; {@code bundledConverter}: direct mode's fallback. */
  public MigrationRequests(Path hyper2kvmConfigDir, List<String> bundledConverter) {
    this.hyper2kvmConfigDir = hyper2kvmConfigDir;
    this.bundledConverter = List.copyOf(bundledConverter);
  }

  public MigrationRequest build(JobDefinition def) {
    ExportRequest export = new ExportRequest(def.vmPath(), Path.of(def.outputDir()).toAbsolutePath().normalize(),
        ExportFormat.valueOf(def.format().toUpperCase(Locale.ROOT)));
    JobOptions o = def.options() == null ? JobOptions.NONE : def.options();
    // The manifest is always written: it is what a later conversion (or an operator) needs from an export.
    return new MigrationRequest(export, true, o.enablePipeline() ? pipeline(o) : null);
  }

  private PipelineOptions pipeline(JobOptions o) {
    PipelineOptions.Builder b = PipelineOptions.builder()
        .bundledConverter(bundledConverter)
        .configDir(hyper2kvmConfigDir)
        .hyper2kvmPath(path(o.hyper2kvmPath()))
        .daemonRequested(o.hyper2kvmDaemon())
        .instance(o.hyper2kvmInstance())
        .watchDir(path(o.hyper2kvmWatchDir()))
        .outputDir(path(o.hyper2kvmOutputDir()))
        .libvirt(o.libvirtIntegration())
        .libvirtAutostart(o.libvirtAutostart());
    if (o.hyper2kvmPollInterval() != null) {
      b.pollInterval(Duration.ofMillis(Math.round(o.hyper2kvmPollInterval() * 1000)));
    }
    if (o.hyper2kvmDaemonTimeout() != null) {
      b.daemonTimeout(Duration.ofMillis(Math.round(o.hyper2kvmDaemonTimeout() * 60_000)));
    }
    if (o.libvirtUri() != null) {
      b.libvirtUri(o.libvirtUri());
    }
    return b.build();
  }

  private static Path path(String p) {
    return p == null ? null : Path.of(p).toAbsolutePath().normalize();
  }
}
