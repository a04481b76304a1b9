package io.hypersdk.convert.steps;

import io.hypersdk.convert.ConversionEvents;
import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionException.Kind;
import io.hypersdk.convert.ConversionRequest;
import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.convert.qemu.SourceImage;
import io.hypersdk.manifest.Disk;
import io.hypersdk.queue.OutputFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Converts each disk, boot disk first, into the staging folder under a name no reader looks at. */
public final class ConvertDisksStep {
  private final QemuImg qemuImg;

  public ConvertDisksStep(QemuImg qemuImg) {
    this.qemuImg = qemuImg;
  }

  /** Where each disk will be published; the first disk in boot order is the primary one. */
  public static List<StagedDisk> plan(ConversionRequest request, List<Disk> bootOrder) {
    OutputFiles names = request.outputFiles();
    List<StagedDisk> plan = new ArrayList<>();
    for (int i = 0; i < bootOrder.size(); i++) {
      Disk d = bootOrder.get(i);
      Path target = i == 0 ? request.primaryDisk() : names.extraDisk(d.id(), request.outFormat());
      plan.add(new StagedDisk(d, request.stagingDir().resolve(target.getFileName()), target, request.outFormat()));
    }
    return plan;
  }

  /**
   * Converts the disks one after another; {@code converted} is told as each finishes, so its checks can
   * run while the next disk converts.
   */
  public void run(ConversionRequest request, List<StagedDisk> plan, Consumer<StagedDisk> converted)
      throws ConversionException, InterruptedException {
    try {
      Files.createDirectories(request.stagingDir());
    } catch (IOException e) {
      throw new ConversionException(Kind.ENVIRONMENT, "cannot create work folder " + request.stagingDir() + ": "
          + e.getMessage());
    }
    ConversionEvents events = request.events();
    for (int i = 0; i < plan.size(); i++) {
      StagedDisk s = plan.get(i);
      int index = i;
      Disk d = s.disk();
      SourceImage source = SourceImage.verified(Path.of(d.localPath()), d.format().qemuName());
      events.command(String.join(" ", qemuImg.convertCommand(source, s.staged(), s.format(), request.compress())));
      qemuImg.convert(source, s.staged(), s.format(), request.compress(),
          f -> events.diskProgress(d.id(), index, plan.size(), f));
      events.diskProgress(d.id(), index, plan.size(), 1.0);
      converted.accept(s);
    }
  }
}
