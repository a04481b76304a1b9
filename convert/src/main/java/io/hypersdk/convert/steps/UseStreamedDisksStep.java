package io.hypersdk.convert.steps;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionException.Kind;
import io.hypersdk.convert.ConversionRequest;
import io.hypersdk.diskimage.NativeConverter;
import io.hypersdk.diskimage.SourceFormat;
import io.hypersdk.queue.StreamedDisks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Takes the disks a streaming export converted while it downloaded them: each qcow2 moves to its staged name
 * instead of being converted again, and the later steps (fix, check, digest, publish) treat it like any other.
 */
public final class UseStreamedDisksStep {

  /**
   * The plan with every streamed disk marked as the native converter's, which wrote it, whatever its source
   * file (kept or not) says now: results name the converter that ran.
   */
  public static List<StagedDisk> marked(List<StagedDisk> plan, StreamedDisks streamed) {
    return plan.stream().map(s -> streamed.forSource(s.disk().localPath()).isEmpty() ? s
        : new StagedDisk(s.disk(), s.staged(), s.target(), s.format(), SourceFormat.VMDK_STREAM_OPTIMIZED, null))
        .toList();
  }

  /**
   * Stages every streamed disk of {@code plan} and tells {@code converted}; returns the disks still to convert.
   * A streamed disk whose source was not kept and whose output must differ (another format, compressed) fails.
   */
  public List<StagedDisk> run(ConversionRequest request, StreamedDisks streamed, List<StagedDisk> plan,
      Consumer<StagedDisk> converted) throws ConversionException {
    List<StagedDisk> rest = new ArrayList<>();
    for (StagedDisk s : plan) {
      StreamedDisks.Entry e = streamed.forSource(s.disk().localPath()).orElse(null);
      if (e == null) {
        rest.add(s);
        continue;
      }
      Path qcow2 = request.stagingDir().resolve(e.qcow2());
      boolean usable = "qcow2".equals(s.format()) && !request.compress() && Files.isRegularFile(qcow2);
      if (!usable) {
        if (!Files.isRegularFile(Path.of(s.disk().localPath()))) {
          throw new ConversionException(Kind.CONVERSION, "disk " + s.disk().id() + " was converted to plain qcow2 "
              + "while it was exported and its source " + s.disk().localPath() + " was not kept, so it cannot become "
              + s.format() + (request.compress() ? " (compressed)" : "") + "; export again with --keep-source");
        }
        rest.add(s);
        continue;
      }
      try {
        Files.move(qcow2, s.staged(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException x) {
        throw new ConversionException(Kind.ENVIRONMENT, "cannot stage the streamed disk " + qcow2 + ": "
            + x.getMessage());
      }
      request.events().command("streamed: " + s.disk().localPath() + " was converted by the " + e.converter()
          + " converter while it was exported");
      // What the streaming pass measured: the digest step then takes the qcow2's SHA-256 from it, unread.
      converted.accept(new StagedDisk(s.disk(), s.staged(), s.target(), s.format(),
          SourceFormat.VMDK_STREAM_OPTIMIZED, new NativeConverter.Result(e.virtualSize(), e.sourceBytes(),
          e.sourceSha256(), e.qcow2Bytes(), e.qcow2Sha256())));
    }
    return rest;
  }
}
