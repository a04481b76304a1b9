package io.hypersdk.convert.steps;

import io.hypersdk.convert.ConversionEvents;
import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionException.Kind;
import io.hypersdk.convert.ConversionRequest;
import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.convert.qemu.SourceImage;
import io.hypersdk.diskimage.MalformedImageException;
import io.hypersdk.diskimage.NativeConverter;
import io.hypersdk.diskimage.OutOfOrderImageException;
import io.hypersdk.diskimage.SourceFormat;
import io.hypersdk.io.Sha256;
import io.hypersdk.manifest.Disk;
import io.hypersdk.queue.OutputFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Converts each disk, boot disk first, into the staging folder under a name no reader looks at. The native
 * converter takes the disks it reads (streamOptimized and monolithicSparse VMDK, raw, fixed VHD) when the
 * output is qcow2: one pass over the source that also yields the source's and the output's SHA-256. qemu-img
 * converts everything else, and everything when the request says so.
 */
public final class ConvertDisksStep {
  private final QemuImg qemuImg;

  public ConvertDisksStep(QemuImg qemuImg) {
    this.qemuImg = qemuImg;
  }

  /** Where each disk will be published, and what converts it; the first disk in boot order is the primary one. */
  public static List<StagedDisk> plan(ConversionRequest request, List<Disk> bootOrder) {
    OutputFiles names = request.outputFiles();
    List<StagedDisk> plan = new ArrayList<>();
    for (int i = 0; i < bootOrder.size(); i++) {
      Disk d = bootOrder.get(i);
      Path target = i == 0 ? request.primaryDisk() : names.extraDisk(d.id(), request.outFormat());
      SourceFormat nativeFormat = request.nativeConverter() && "qcow2".equals(request.outFormat())
          ? nativeFormat(d).orElse(null) : null;
      plan.add(new StagedDisk(d, request.stagingDir().resolve(target.getFileName()), target, request.outFormat(),
          nativeFormat, null));
    }
    return plan;
  }

  /** The native converter's format for a disk, if it reads it; the manifest's format must agree with the file. */
  private static Optional<SourceFormat> nativeFormat(Disk d) {
    Path path = Path.of(d.localPath());
    try {
      return switch (d.format()) {
        case RAW -> Files.isRegularFile(path) ? Optional.of(SourceFormat.RAW) : Optional.empty();
        case VMDK -> SourceFormat.detect(path).filter(f -> f == SourceFormat.VMDK_STREAM_OPTIMIZED
            || f == SourceFormat.VMDK_MONOLITHIC_SPARSE);
        case VHD -> SourceFormat.detect(path).filter(f -> f == SourceFormat.VHD_FIXED);
        default -> Optional.empty();
      };
    } catch (IOException e) {
      return Optional.empty(); // qemu-img will say what is wrong with the file
    }
  }

  /** The command line (qemu-img) or description (native) of a disk's conversion, for verbose output. */
  public String describe(StagedDisk s, boolean compress) {
    Disk d = s.disk();
    if (s.nativeFormat() != null) {
      return "native convert " + d.localPath() + " (" + s.nativeFormat().description()
          + ") -> " + s.staged() + " (qcow2" + (compress ? ", compressed" : "") + ")";
    }
    return String.join(" ", qemuImg.convertCommand(new SourceImage(Path.of(d.localPath()), d.format().qemuName()),
        s.staged(), s.format(), compress));
  }

  /**
   * Converts the disks one after another; {@code converted} is told as each finishes (with what converted it), so
   * its checks can run while the next disk converts. A natively converted disk's source checksum is checked here,
   * from the conversion's own pass: a mismatch fails the job before anything is published. A file the native pass
   * cannot read in one go (its parts stored out of order) is converted by qemu-img instead, with a
   * {@code warning}.
   */
  public void run(ConversionRequest request, List<StagedDisk> plan, Consumer<StagedDisk> converted,
      Consumer<String> warning) throws ConversionException, InterruptedException {
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
      events.command(describe(s, request.compress()));
      if (s.nativeFormat() != null) {
        NativeConverter converter = NativeConverter.builder().compress(request.compress())
            .progress(f -> events.diskProgress(d.id(), index, plan.size(), f)).build();
        try {
          s = s.withConverted(convertNatively(request, converter, s));
          verifySource(request, s, s.converted().sourceSha256());
        } catch (OutOfOrderImageException e) {
          warning.accept("disk " + d.id() + ": converted by qemu-img, not the native converter, which reads an "
              + "image in one pass (" + e.getMessage() + ")");
          s = s.forQemuImg();
          // The pass that was to hash the source stopped early: it is hashed on its own before qemu-img reads it.
          try {
            verifySourceOnItsOwnRead(request, s);
          } catch (IOException unreadable) {
            throw new ConversionException(Kind.CONVERSION, "cannot convert disk " + d.id() + " (" + d.localPath()
                + "): " + unreadable.getMessage());
          }
          events.command(describe(s, request.compress()));
          convertWithQemuImg(s, request, index, plan.size());
        }
      } else {
        convertWithQemuImg(s, request, index, plan.size());
      }
      events.diskProgress(d.id(), index, plan.size(), 1.0);
      converted.accept(s);
    }
  }

  private void convertWithQemuImg(StagedDisk s, ConversionRequest request, int index, int count)
      throws ConversionException, InterruptedException {
    Disk d = s.disk();
    SourceImage source = SourceImage.verified(Path.of(d.localPath()), d.format().qemuName());
    qemuImg.convert(source, s.staged(), s.format(), request.compress(),
        f -> request.events().diskProgress(d.id(), index, count, f));
  }

  private static NativeConverter.Result convertNatively(ConversionRequest request, NativeConverter converter,
      StagedDisk s) throws ConversionException, InterruptedException, OutOfOrderImageException {
    Disk d = s.disk();
    try {
      return converter.convert(Path.of(d.localPath()), s.nativeFormat(), s.staged());
    } catch (OutOfOrderImageException e) {
      throw e; // the caller lets qemu-img convert it
    } catch (MalformedImageException e) {
      // A file that is not what was exported (cut short, changed) says so through its checksum: that is the
      // more useful answer, so it is checked first (a second read, but only of a source that failed).
      try {
        verifySourceOnItsOwnRead(request, s);
      } catch (IOException unreadable) {
        // the malformed image is reported below
      }
      throw new ConversionException(Kind.CONVERSION, "cannot convert disk " + d.id() + " (" + d.localPath() + "): "
          + e.getMessage() + " (converter: qemu-img, or hyperconvert --converter qemu-img, lets qemu-img try it)");
    } catch (IOException e) {
      throw new ConversionException(Kind.CONVERSION, "cannot convert disk " + d.id() + " (" + d.localPath() + "): "
          + e.getMessage());
    }
  }

  /** Checks the source against the manifest's checksum on a read of its own, when the request checks sources. */
  private static void verifySourceOnItsOwnRead(ConversionRequest request, StagedDisk s)
      throws ConversionException, IOException {
    Disk d = s.disk();
    if (request.verifySources() && d.checksum() != null) {
      verifySource(request, s, Sha256.ofFile(Path.of(d.localPath())));
    }
  }

  private static void verifySource(ConversionRequest request, StagedDisk s, String actual)
      throws ConversionException {
    Disk d = s.disk();
    if (!request.verifySources() || d.checksum() == null || d.checksum().equals(actual)) {
      return;
    }
    int i = request.manifest().disks().indexOf(d);
    throw new ConversionException(Kind.INVALID_MANIFEST, "invalid manifest " + request.manifestName() + ": "
        + VerifySourcesStep.mismatch(i, d, actual));
  }
}
