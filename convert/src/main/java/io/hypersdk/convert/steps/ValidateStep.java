package io.hypersdk.convert.steps;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionException.Kind;
import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.manifest.Pipeline;
import io.hypersdk.queue.StageReport;
import java.util.List;
import java.util.Optional;

/** Runs {@code qemu-img check} on every converted image before anything is published. */
public final class ValidateStep {
  private final QemuImg qemuImg;

  public ValidateStep(QemuImg qemuImg) {
    this.qemuImg = qemuImg;
  }

  public StageReport run(List<StagedDisk> disks, Pipeline.Validate settings) throws ConversionException,
      InterruptedException {
    if (!settings.enabled() || !settings.checkImageIntegrity()) {
      return StageReport.skipped("validate", "image integrity check disabled by the manifest");
    }
    for (StagedDisk s : disks) {
      Optional<String> problem = qemuImg.check(s.staged(), s.format());
      if (problem.isPresent()) {
        throw new ConversionException(Kind.VALIDATION, "converted disk " + s.disk().id()
            + " failed its integrity check: " + problem.get());
      }
    }
    return StageReport.done("validate", "qemu-img check passed for " + disks.size() + " image(s)");
  }
}
