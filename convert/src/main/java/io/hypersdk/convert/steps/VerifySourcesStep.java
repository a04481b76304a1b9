package io.hypersdk.convert.steps;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionException.Kind;
import io.hypersdk.io.Sha256;
import io.hypersdk.manifest.Disk;
import io.hypersdk.queue.StreamedDisks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Checks each source disk against its manifest checksum. It runs beside the conversion rather than before
 * it, so the source is read while it is in the page cache anyway and the check adds no time to the job;
 * nothing is published until it has passed.
 */
public final class VerifySourcesStep {

  /**
   * Starts hashing every disk that has a checksum; {@link #await} reports any mismatch. A disk in
   * {@code streamed} is not read: the checksum of the stream it was converted from stands for it.
   */
  public Future<List<String>> start(List<Disk> manifestOrder, StreamedDisks streamed, ExecutorService executor) {
    return executor.submit(hashAll(manifestOrder, streamed));
  }

  private static Callable<List<String>> hashAll(List<Disk> manifestOrder, StreamedDisks streamed) {
    return () -> {
      List<String> mismatches = new ArrayList<>();
      for (int i = 0; i < manifestOrder.size(); i++) {
        Disk d = manifestOrder.get(i);
        if (d.checksum() == null) {
          continue;
        }
        java.util.Optional<StreamedDisks.Entry> e = streamed.forSource(d.localPath());
        String actual = e.isPresent() ? e.get().sourceSha256() : Sha256.ofFile(Path.of(d.localPath()));
        if (!actual.equals(d.checksum())) {
          mismatches.add("disks[" + i + "].checksum: does not match " + d.localPath() + " (manifest has "
              + d.checksum() + ", the " + (e.isPresent() ? "exported stream" : "file") + " hashes to " + actual + ")");
        }
      }
      return mismatches;
    };
  }

  /** Waits for the check; a mismatch or an unreadable source fails the conversion as an invalid manifest. */
  public void await(Future<List<String>> check, String manifestName) throws ConversionException,
      InterruptedException {
    List<String> mismatches;
    try {
      mismatches = check.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new ConversionException(Kind.CONVERSION, "cannot read a source disk to verify its checksum: "
          + (cause instanceof IOException ? cause.getMessage() : String.valueOf(cause)));
    }
    if (!mismatches.isEmpty()) {
      throw new ConversionException(Kind.INVALID_MANIFEST, "invalid manifest " + manifestName + ": "
          + String.join("; ", mismatches));
    }
  }
}
