package io.hypersdk.migration;

import io.hypersdk.manifest.Pipeline;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The one place a migration's options become a {@link MigrationRequest} and its {@link PipelineOptions}:
 * hyperexport, hypervisord's jobs and the wizard all map through here, so an option means the same in each.
 */
public final class MigrationRequestMapper {
  private final Path configDir;
  private final List<String> bundledConverter;

  /** {@code configDir}: where instance configs are read; {@code bundledConverter}: direct mode's fallback. */
  public MigrationRequestMapper(Path configDir, List<String> bundledConverter) {
    this.configDir = configDir;
    this.bundledConverter = List.copyOf(bundledConverter);
  }

  /**
   * The request for exporting {@code vm} into {@code outputDir} as {@code format} ({@code ovf} or {@code ova},
   * which the front ends check first).
   *
   * @throws IllegalArgumentException when the format is neither, an interval is not positive, or the boot
   *     check's mode or timeout is not one the converter takes
   */
  public MigrationRequest request(String vm, Path outputDir, String format, MigrationOptions o) {
    ExportFormat f = ExportFormat.valueOf(format.toUpperCase(Locale.ROOT));
    return request(new ExportRequest(vm, absolute(outputDir), f), o);
  }

  /** The request for {@code export}; the manifest is written when asked or when the pipeline runs. */
  public MigrationRequest request(ExportRequest export, MigrationOptions o) {
    Pipeline stages = stages(o);
    return new MigrationRequest(export, o.writeManifest() || o.pipeline(), o.pipeline() ? pipelineOptions(o) : null,
        stages, o.keepSource());
  }

  /**
   * The manifest's pipeline section for {@code o}: inspect, convert and validate on; the fix on unless turned
   * off; a boot check section only when a mode or timeout was given, so the converter's default applies otherwise.
   *
   * @throws IllegalArgumentException when the boot check mode is not off, on or warn, or its timeout is under 10 s
   */
  public static Pipeline stages(MigrationOptions o) {
    String mode = o.bootCheck() == null ? null : o.bootCheck().strip().toLowerCase(Locale.ROOT);
    if (mode != null && !Pipeline.BOOT_CHECK_MODES.contains(mode)) {
      throw new IllegalArgumentException("the boot check must be off, on or warn, not \"" + o.bootCheck() + "\"");
    }
    if (o.bootCheckTimeoutSeconds() != null && o.bootCheckTimeoutSeconds() < Pipeline.MIN_BOOT_CHECK_TIMEOUT_SECONDS) {
      throw new IllegalArgumentException("the boot check timeout must be at least " + Pipeline.MIN_BOOT_CHECK_TIMEOUT_SECONDS
          + " seconds, not " + o.bootCheckTimeoutSeconds());
    }
    Pipeline.BootCheck bootCheck = mode == null && o.bootCheckTimeoutSeconds() == null
        ? null
        : new Pipeline.BootCheck(mode, o.bootCheckTimeoutSeconds());
    return new Pipeline(new Pipeline.Inspect(true, false),
        new Pipeline.Fix(o.fix() == null || o.fix(), null, null, null, null, null, null),
        new Pipeline.Convert(true, false, null), new Pipeline.Validate(true, true), bootCheck);
  }

  /**
   * The pipeline options for {@code o}: unset ones keep the pipeline's defaults.
   *
   * @throws IllegalArgumentException when the poll interval or the daemon timeout is not positive
   */
  public PipelineOptions pipelineOptions(MigrationOptions o) {
    PipelineOptions.Builder b = PipelineOptions.builder()
        .bundledConverter(bundledConverter)
        .configDir(configDir)
        .hyper2kvmPath(absolute(o.hyper2kvmPath()))
        .daemonRequested(o.daemon())
        .instance(o.instance() == null || o.instance().isBlank() ? null : o.instance())
        .watchDir(absolute(o.watchDir()))
        .outputDir(absolute(o.daemonOutputDir()))
        .libvirt(o.libvirt())
        .libvirtAutostart(o.libvirtAutostart())
        .dryRun(o.dryRun())
        .verbose(o.verbose());
    if (o.pollSeconds() != null) {
      b.pollInterval(Duration.ofMillis(Math.round(o.pollSeconds() * 1000)));
    }
    if (o.timeoutMinutes() != null) {
      b.daemonTimeout(Duration.ofMillis(Math.round(o.timeoutMinutes() * 60_000)));
    }
    if (o.libvirtUri() != null && !o.libvirtUri().isBlank()) {
      b.libvirtUri(o.libvirtUri().strip());
    }
    return b.build();
  }

  private static Path absolute(Path p) {
    return p == null ? null : p.toAbsolutePath().normalize();
  }
}
