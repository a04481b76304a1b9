package io.hypersdk.convert.steps;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.fix.FixOutcome;
import io.hypersdk.convert.fix.GuestConfiguration;
import io.hypersdk.convert.fix.GuestFixRunner;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.Pipeline;
import io.hypersdk.queue.StageReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The fix stage: makes the converted guest boot on KVM (see {@link GuestFixRunner}). It runs on the staged
 * copies only, never on the sources, so a failure leaves nothing behind once the staging folder is discarded.
 */
public final class FixStep {
  private final GuestFixRunner runner;

  public FixStep(GuestFixRunner runner) {
    this.runner = runner;
  }

  /** A fix step whose appliance runs under TCG unless told KVM boots kernels here; VIRTIO_WIN from the environment. */
  public static FixStep fromEnvironment() {
    return new FixStep(new GuestFixRunner(useTcg(), System.getenv(GuestFixRunner.VIRTIO_WIN)));
  }

  /**
   * Whether libguestfs must run without KVM. Some hosts expose a /dev/kvm that cannot boot a Linux kernel, where
   * the appliance would hang, so TCG is the default until {@code HYPERSDK_ACCEL=kvm} says otherwise.
   */
  static boolean useTcg() {
    return !"kvm".equals(System.getenv("HYPERSDK_ACCEL"));
  }

  /** The fix's result with its stage report; empty outcome when the manifest disabled the stage. */
  public record Result(StageReport report, Optional<FixOutcome> outcome) {}

  /** Fixes the guest on {@code disks} (staged, in boot order), or reports the stage skipped. */
  public Result run(List<Path> disks, String format, ArtifactManifest manifest, Pipeline.Fix settings,
      GuestConfiguration configuration, Path scratch) throws ConversionException, InterruptedException {
    if (!settings.enabled()) {
      return new Result(StageReport.skipped("fix", "fix stage disabled by the manifest"), Optional.empty());
    }
    FixOutcome o = runner.run(disks, format, manifest, settings, configuration, scratch);
    String message = o.os() + (o.kernels().isEmpty() ? "" : ", kernel(s) " + String.join(", ", o.kernels()))
        + ": " + o.changes().size() + " change(s); " + o.devices().describe() + "; appliance started in "
        + o.applianceMs() + " ms" + (runner.tcg() ? " (TCG)" : " (KVM)");
    return new Result(StageReport.done("fix", message), Optional.of(o));
  }
}
