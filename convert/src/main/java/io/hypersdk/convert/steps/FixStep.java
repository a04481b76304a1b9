package io.hypersdk.convert.steps;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.accel.Accel;
import io.hypersdk.convert.accel.AccelProbe;
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
  private final Accel accel;
  private final String virtioWin;

  /** {@code accel} null: the host's {@link AccelProbe} decides, when a fix first needs it. */
  public FixStep(Accel accel, String virtioWin) {
    this.accel = accel;
    this.virtioWin = virtioWin;
  }

  /** The accelerator from the host's probe, VIRTIO_WIN from the environment. */
  public static FixStep fromEnvironment() {
    return new FixStep(null, System.getenv(GuestFixRunner.VIRTIO_WIN));
  }

  /** The fix's result with its stage report; empty outcome when the manifest disabled the stage. */
  public record Result(StageReport report, Optional<FixOutcome> outcome) {}

  /** Fixes the guest on {@code disks} (staged images of {@code format}, in boot order), or reports it skipped. */
  public Result run(List<Path> disks, String format, ArtifactManifest manifest, Pipeline.Fix settings,
      GuestConfiguration configuration, Path scratch) throws ConversionException, InterruptedException {
    if (!settings.enabled()) {
      return new Result(StageReport.skipped("fix", "fix stage disabled by the manifest"), Optional.empty());
    }
    Accel a = accel != null ? accel : AccelProbe.host().accel();
    FixOutcome o = new GuestFixRunner(a, virtioWin).run(disks, format, manifest, settings, configuration, scratch);
    String message = o.os() + (o.kernels().isEmpty() ? "" : ", kernel(s) " + String.join(", ", o.kernels()))
        + ": " + o.changes().size() + " change(s); " + o.devices().describe() + "; appliance started in "
        + o.applianceMs() + " ms (" + a.id() + ")";
    return new Result(StageReport.done("fix", message), Optional.of(o));
  }
}
