package io.hypersdk.jobs.runner;

import io.hypersdk.jobs.model.JobDefinition;
import io.hypersdk.jobs.model.JobOptions;
import io.hypersdk.migration.MigrationOptions;
import io.hypersdk.migration.MigrationRequest;
import io.hypersdk.migration.MigrationRequestMapper;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns a job definition into the migration hyperexport would run for the same flags: the job's options go
 * through the same {@link MigrationRequestMapper}, unset ones keep the pipeline's defaults.
 */
public final class MigrationRequests {
  private final MigrationRequestMapper mapper;

  /** {@code hyper2kvmConfigDir}: where instance configs are read; {@code bundledConverter}: direct mode's fallback. */
  public MigrationRequests(Path hyper2kvmConfigDir, List<String> bundledConverter) {
    this.mapper = new MigrationRequestMapper(hyper2kvmConfigDir, bundledConverter);
  }

  public MigrationRequest build(JobDefinition def) {
    JobOptions o = def.options() == null ? JobOptions.NONE : def.options();
    MigrationOptions options = MigrationOptions.builder()
        // The manifest is always written: it is what a later conversion (or an operator) needs from an export.
        .writeManifest(true)
        .pipeline(o.enablePipeline())
        .hyper2kvmPath(path(o.hyper2kvmPath()))
        .daemon(o.hyper2kvmDaemon())
        .instance(o.hyper2kvmInstance())
        .watchDir(path(o.hyper2kvmWatchDir()))
        .daemonOutputDir(path(o.hyper2kvmOutputDir()))
        .pollSeconds(o.hyper2kvmPollInterval())
        .timeoutMinutes(o.hyper2kvmDaemonTimeout())
        .libvirt(o.libvirtIntegration())
        .libvirtUri(o.libvirtUri())
        .libvirtAutostart(o.libvirtAutostart())
        .fix(o.fix())
        .bootCheck(o.bootCheck())
        .bootCheckTimeoutSeconds(o.bootCheckTimeout())
        .build();
    return mapper.request(def.vmPath(), Path.of(def.outputDir()), def.format(), options);
  }

  private static Path path(String p) {
    return p == null ? null : Path.of(p);
  }
}
