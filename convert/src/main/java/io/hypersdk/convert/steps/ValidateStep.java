package io.hypersdk.convert.steps;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionException.Kind;
import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.manifest.Pipeline;
import io.hypersdk.queue.StageReport;
import java.util.Optional;

/** Runs {@code qemu-img check} on every converted image before anything is published. */
public final class ValidateStep {
  private final QemuImg qemuImg;
  private final Pipeline.Validate settings;

  public ValidateStep(QemuImg qemuImg, Pipeline.Validate settings) {
    this.qemuImg = qemuImg;
    this.settings = settings;
  }

  public boolean enabled() {
    return settings.enabled() && settings.checkImageIntegrity();
  }

  /** Checks one converted image; does nothing when the manifest disabled the stage. */
  public void check(StagedDisk s) throws ConversionException, InterruptedException {
    if (!enabled()) {
      return;
    }
    Optional<String> problem = qemuImg.check(s.staged(), s.format());
    if (problem.isPresent()) {
      throw new ConversionException(Kind.VALIDATION, "converted disk " + s.disk().id()
          + " failed its integrity check: " + problem.get());
    }
  }

  /** The stage's report once {@code count} images were checked. */
  public StageReport report(int count) {
    return enabled() ? StageReport.done("validate", "qemu-img check passed for " + count + " image(s)")
        : StageReport.skipped("validate", "image integrity check disabled by the manifest");
  }
}
