package io.hypersdk.providers.ovf;

import io.hypersdk.io.AtomicFiles;
import io.hypersdk.io.Sha256;
import io.hypersdk.providers.ExportProgress;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a stream to a file while hashing it, so the checksum costs no second read. The file appears under
 * its final name only when complete: a re-export into the same folder never sees a stale partial file.
 */
public final class HashingCopy {
  private static final int BUFFER = 1 << 20;
  /** Written bytes between background flushes; flushing while copying leaves little for the final fsync. */
  private static final long FLUSH_EVERY = 64L << 20;
  private static final ExecutorService FLUSHER = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "hashing-copy-flush");
    t.setDaemon(true);
    return t;
  });

  private HashingCopy() {}

  /** The result of one copy. */
  public record Copied(Path path, long bytes, String sha256) {}

  /** Copies {@code in} to {@code target}; reading exactly {@code limit} bytes when it is not negative. */
  public static Copied copy(InputStream in, long limit, Path target, ExportProgress progress) throws IOException {
    MessageDigest digest = Sha256.newDigest();
    Path temp = AtomicFiles.tempSibling(target);
    long total = 0;
    Future<?> flushing = null;
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        byte[] buf = new byte[BUFFER];
        ByteBuffer wrapped = ByteBuffer.wrap(buf);
        long unflushed = 0;
        while (limit < 0 || total < limit) {
          int want = limit < 0 ? buf.length : (int) Math.min(buf.length, limit - total);
          int n = in.read(buf, 0, want);
          if (n < 0) {
            break;
          }
          if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("export interrupted");
          }
          wrapped.clear().limit(n);
          while (wrapped.hasRemaining()) {
            out.write(wrapped);
          }
          digest.update(buf, 0, n);
          total += n;
          unflushed += n;
          progress.advance(n);
          if (unflushed >= FLUSH_EVERY && (flushing == null || flushing.isDone())) {
            awaitFlush(flushing);
            flushing = FLUSHER.submit(() -> {
              out.force(false);
              return null;
            });
            unflushed = 0;
          }
        }
        if (limit >= 0 && total != limit) {
          throw new IOException("unexpected end of data: got " + total + " of " + limit + " bytes for "
              + target.getFileName());
        }
        awaitFlush(flushing);
        flushing = null;
        out.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return new Copied(target, total, Sha256.format(digest));
    } finally {
      if (flushing != null) {
        flushing.cancel(false);
      }
      Files.deleteIfExists(temp);
    }
  }

  private static void awaitFlush(Future<?> flushing) throws IOException {
    if (flushing == null) {
      return;
    }
    try {
      flushing.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("export interrupted");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }
}
