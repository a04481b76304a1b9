package io.hypersdk.providers.ovf;

import io.hypersdk.io.AtomicFiles;
import io.hypersdk.io.SequentialFileWriter;
import io.hypersdk.io.Sha256;
import io.hypersdk.providers.ExportProgress;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;

/**
 * Writes a stream to a file while hashing it, so the checksum costs no second read. The file appears under
 * its final name only when complete: a re-export into the same folder never sees a stale partial file. The
 * file is written with O_DIRECT where the file system allows it ({@link SequentialFileWriter}).
 */
public final class HashingCopy {
  private static final int BUFFER = 1 << 20;

  private HashingCopy() {}

  /** The result of one copy. */
  public record Copied(Path path, long bytes, String sha256) {}

  /** Copies {@code in} to {@code target}; reading exactly {@code limit} bytes when it is not negative. */
  public static Copied copy(InputStream in, long limit, Path target, ExportProgress progress) throws IOException {
    MessageDigest digest = Sha256.newDigest();
    Path temp = AtomicFiles.tempSibling(target);
    long total = 0;
    try {
      try (SequentialFileWriter out = SequentialFileWriter.create(temp)) {
        byte[] buf = new byte[BUFFER];
        while (limit < 0 || total < limit) {
          int want = limit < 0 ? buf.length : (int) Math.min(buf.length, limit - total);
          int n = in.read(buf, 0, want);
          if (n < 0) {
            break;
          }
          if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("export interrupted");
          }
          out.write(buf, 0, n);
          digest.update(buf, 0, n);
          total += n;
          progress.advance(n);
        }
        if (limit >= 0 && total != limit) {
          throw new IOException("unexpected end of data: got " + total + " of " + limit + " bytes for "
              + target.getFileName());
        }
        out.finish();
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return new Copied(target, total, Sha256.format(digest));
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
