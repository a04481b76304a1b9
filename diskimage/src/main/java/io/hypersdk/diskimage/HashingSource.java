package io.hypersdk.diskimage;

import io.hypersdk.io.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.function.DoubleConsumer;

/**
 * The source read once, front to back: every byte that passes through, whether parsed or skipped, goes into
 * the SHA-256, so the digest covers exactly the bytes the conversion used.
 */
final class HashingSource {
  private static final int SKIP_BUFFER = 1 << 20;
  private final InputStream in;
  private final SourceFormat format;
  private final long length;
  private final DoubleConsumer progress;
  private final MessageDigest digest = Sha256.newDigest();
  private long position;
  private long lastReported;
  private byte[] skipBuffer;

  HashingSource(InputStream in, SourceFormat format, long length, DoubleConsumer progress) {
    this.in = in;
    this.format = format;
    this.length = length;
    this.progress = progress;
  }

  long position() {
    return position;
  }

  /** The stream's length if the caller knew it, else -1. */
  long length() {
    return length;
  }

  SourceFormat format() {
    return format;
  }

  MalformedImageException malformed(long offset, String problem) {
    return new MalformedImageException(format, offset, problem);
  }

  /** A part stored out of the order one pass needs, found at {@code offset}. */
  OutOfOrderImageException outOfOrder(long offset, String problem) {
    return new OutOfOrderImageException(format, offset, problem);
  }

  /** Reads exactly {@code n} bytes; the end of the stream before that is a malformed (cut short) image. */
  byte[] readFully(int n, String what) throws IOException {
    byte[] b = new byte[n];
    readFully(b, 0, n, what);
    return b;
  }

  void readFully(byte[] b, int off, int n, String what) throws IOException {
    long start = position;
    int done = read(b, off, n);
    if (done < n) {
      throw malformed(start, what + " is cut short: the image ends after " + (start + done) + " bytes");
    }
  }

  /** Reads up to {@code n} bytes, fewer only at the end of the stream. */
  int read(byte[] b, int off, int n) throws IOException {
    int done = 0;
    while (done < n) {
      int r = in.read(b, off + done, n - done);
      if (r < 0) {
        break;
      }
      done += r;
    }
    digest.update(b, off, done);
    position += done;
    report();
    return done;
  }

  /** Reads and hashes the bytes up to {@code offset}, which must not be behind the current position. */
  void skipTo(long offset, String what) throws IOException {
    if (offset < position) {
      throw outOfOrder(position, what + " at byte " + offset + " lies behind data already read; only images "
          + "whose parts are stored in order can be converted in one pass");
    }
    if (skipBuffer == null) {
      skipBuffer = new byte[SKIP_BUFFER];
    }
    while (position < offset) {
      int n = (int) Math.min(skipBuffer.length, offset - position);
      long start = position;
      if (read(skipBuffer, 0, n) < n) {
        throw malformed(start, what + " at byte " + offset + " is past the end of the image (" + position
            + " bytes)");
      }
    }
  }

  /** Hashes whatever is left up to the end of the stream. */
  void drain() throws IOException {
    if (skipBuffer == null) {
      skipBuffer = new byte[SKIP_BUFFER];
    }
    while (read(skipBuffer, 0, skipBuffer.length) > 0) {
      // Every byte counts towards the digest, trailing padding included.
    }
  }

  String sha256() {
    return Sha256.format(digest);
  }

  private void report() {
    if (length > 0 && position - lastReported >= (64 << 20)) {
      lastReported = position;
      progress.accept(Math.min(1.0, (double) position / length));
    }
  }
}
