package io.hypersdk.convert.steps;

import io.hypersdk.convert.ConversionException.Kind;
import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.qemu.ImageInfo;
import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.convert.qemu.SourceImage;
import io.hypersdk.manifest.Disk;
import io.hypersdk.manifest.Pipeline;
import io.hypersdk.queue.StageReport;
import io.hypersdk.queue.StreamedDisks;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads each source image with qemu-img and refuses a disk whose declared format contradicts its content:
 * converting a qcow2 file "as raw" would silently produce a disk full of qcow2 metadata.
 */
public final class InspectStep {
  private final QemuImg qemuImg;

  public InspectStep(QemuImg qemuImg) {
    this.qemuImg = qemuImg;
  }

  /** Inspects each source; a disk in {@code streamed} was read as it was exported and is not read again. */
  public StageReport run(List<Disk> disks, Pipeline.Inspect settings, StreamedDisks streamed)
      throws ConversionException, InterruptedException {
    if (!settings.enabled()) {
      return StageReport.skipped("inspect", "inspect stage disabled by the manifest");
    }
    long total = 0;
    for (Disk d : disks) {
      // The native converter parsed a streamed disk's VMDK itself, so its declared format is already confirmed.
      Optional<StreamedDisks.Entry> e = streamed.forSource(d.localPath());
      if (e.isPresent()) {
        total += e.get().virtualSize();
        continue;
      }
      ImageInfo info = qemuImg.info(Path.of(d.localPath()));
      String declared = d.format().qemuName();
      if (!declared.equals(info.format()) && !"raw".equals(info.format())) {
        throw new ConversionException(Kind.INVALID_MANIFEST, "disk " + d.id() + ": source_format is "
            + d.sourceFormat() + " but " + d.localPath() + " is a " + info.format() + " image");
      }
      // The probe above reads a fixed VHD as raw, footer included; the size that counts is the one converted.
      total += "vpc".equals(declared)
          ? qemuImg.info(SourceImage.verified(Path.of(d.localPath()), declared)).virtualSize()
          : info.virtualSize();
    }
    String message = disks.size() + " disk(s), " + total + " bytes virtual";
    if (settings.collectGuestInfo()) {
      message += "; guest information collection is not supported yet and was not done";
    }
    return StageReport.done("inspect", message);
  }
}
