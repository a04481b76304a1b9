package io.hypersdk.convert.bootcheck;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionRequest;
import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.manifest.OsHint;
import io.hypersdk.manifest.Pipeline;
import io.hypersdk.queue.BootCheckReport;
import io.hypersdk.queue.DaemonConfig;
import io.hypersdk.queue.StageReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The conversion's boot-check stage: boots the staged domain before anything is published, so a guest that
 * does not boot fails its job (mode on) or is published with a warning (mode warn).
 */
public final class BootCheckStage {
  public static final String STAGE = "boot-check";

  private final QemuImg qemuImg;

  public BootCheckStage(QemuImg qemuImg) {
    this.qemuImg = qemuImg;
  }

  /** The mode and timeout that apply: the flags, else the manifest, else the daemon's config, else off and 300 s. */
  public static Pipeline.BootCheck effective(Pipeline.BootCheck override, Pipeline.BootCheck manifest,
      Pipeline.BootCheck defaults) {
    String mode = firstNonNull(override.mode(), manifest.mode(), defaults.mode(), "off");
    Integer timeout = firstNonNull(override.timeoutSeconds(), manifest.timeoutSeconds(), defaults.timeoutSeconds(),
        DaemonConfig.DEFAULT_BOOT_CHECK_TIMEOUT);
    return new Pipeline.BootCheck(mode, timeout);
  }

  private static <T> T firstNonNull(T first, T second, T third, T otherwise) {
    return first != null ? first : second != null ? second : third != null ? third : otherwise;
  }

  /**
   * Boot-checks the staged domain when the request asks for it, with disks still at their staged paths
   * ({@code stagedDisks}: final path to staged path). Adds its stage report, and in mode warn its warning;
   * returns null when the check is off.
   *
   * @throws BootCheckFailedException in mode on when the guest does not boot: "boot check failed: REASON"
   */
  public BootCheckReport run(ConversionRequest request, Path stagedXml, Map<Path, Path> stagedDisks,
      List<StageReport> stages, List<String> warnings) throws ConversionException, InterruptedException {
    Pipeline.BootCheck settings = effective(request.bootCheckOverride(),
        request.manifest().effectivePipeline().bootCheck(), request.bootCheckDefaults());
    if ("off".equals(settings.mode())) {
      return null;
    }
    if (request.manifest().vm() != null && request.manifest().vm().osHintKind() == OsHint.WINDOWS) {
      BootCheckReport skipped = new BootCheckReport(BootCheckReport.SKIPPED, "Windows guests show no login prompt on "
          + "the serial console, which is what the boot check watches", null, null, List.of());
      add(request, stages, StageReport.skipped(STAGE, skipped.reason()));
      return skipped;
    }
    BootCheck.Options options = BootCheck.Options.of(Duration.ofSeconds(settings.timeoutSeconds()))
        .withDiskPaths(stagedDisks).withWorkParent(request.stagingDir());
    BootCheckReport report = BootCheck.forThisHost(qemuImg).run(stagedXml, options);
    if (BootCheckReport.PASSED.equals(report.status())) {
      add(request, stages, StageReport.done(STAGE, "the guest booted: " + report.reason() + " (" + report.accel()
          + ")"));
      return report;
    }
    if ("warn".equals(settings.mode())) {
      warnings.add("boot check failed (boot_check: warn, so the job goes on): " + report.reason());
      add(request, stages, StageReport.done(STAGE, "the guest did not boot: " + report.reason()));
      return report;
    }
    throw new BootCheckFailedException(report);
  }

  private static void add(ConversionRequest request, List<StageReport> stages, StageReport r) {
    request.events().stage(r);
    stages.add(r);
  }
}
