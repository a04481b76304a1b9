package io.hypersdk.convert.steps;

import io.hypersdk.manifest.Pipeline;
import io.hypersdk.queue.StageReport;

/** Guest OS fixes are not implemented: the stage says so instead of pretending it ran. */
public final class FixStep {
  public StageReport run(Pipeline.Fix settings) {
    if (!settings.enabled()) {
      return StageReport.skipped("fix", "fix stage disabled by the manifest");
    }
    return StageReport.unsupported("fix", "guest OS fixes (fstab, grub, initramfs, VMware tools removal) are not "
        + "supported yet; the guest was converted unchanged");
  }
}
