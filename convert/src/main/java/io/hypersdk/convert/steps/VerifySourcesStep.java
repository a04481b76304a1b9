package io.hypersdk.convert.steps;

import io.hypersdk.convert.ConversionException.Kind;
import io.hypersdk.convert.ConversionException;
import io.hypersdk.io.Sha256;
import io.hypersdk.manifest.Disk;
import io.hypersdk.queue.StreamedDisks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
   * Starts hashing every disk that has a checksum, except those in {@code hashedByConversion} (the native
   * converter hashes its source in its own pass, so reading it here would read it twice); {@link #await}
   * reports any mismatch. A disk in {@code streamed} is not read: the checksum of the stream it was converted
   * from while it was exported stands for it.
   */
  public Future<List<String>> start(List<Disk> manifestOrder, StreamedDisks streamed, Set<Disk> hashedByConversion,
      ExecutorService executor) {
    return executor.submit(hashAll(manifestOrder, streamed, hashedByConversion));
  }

  private static Callable<List<String>> hashAll(List<Disk> manifestOrder, StreamedDisks streamed, Set<Disk> skip) {
    return () -> {
      List<String> mismatches = new ArrayList<>();
      for (int i = 0; i < manifestOrder.size(); i++) {
        Disk d = manifestOrder.get(i);
        Optional<StreamedDisks.Entry> e = streamed.forSource(d.localPath());
        if (d.checksum() == null || e.isEmpty() && skip.contains(d)) {
          continue;
        }
        String actual = e.isPresent() ? e.get().sourceSha256() : Sha256.ofFile(Path.of(d.localPath()));
        if (!actual.equals(d.checksum())) {
          mismatches.add(e.isPresent() ? "disks[" + i + "].checksum: does not match " + d.localPath()
              + " (manifest has " + d.checksum() + ", the exported stream hashes to " + actual + ")"
              : mismatch(i, d, actual));
        }
      }
      return mismatches;
    };
  }

  /** How a checksum mismatch of manifest disk {@code i} is reported. */
  static String mismatch(int i, Disk d, String actual) {
    return "disks[" + i + "].checksum: does not match " + d.localPath() + " (manifest has " + d.checksum()
        + ", the file hashes to " + actual + ")";
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
