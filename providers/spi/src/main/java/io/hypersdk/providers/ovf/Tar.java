package io.hypersdk.providers.ovf;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The ustar subset OVA archives use: regular files, names up to 100 bytes, and sizes beyond 8 GiB in the
 * base-256 form GNU tar reads. OVAs must be read in order (descriptor first), so this works on streams.
 */
public final class Tar {
  static final int BLOCK = 512;

  private Tar() {}

  /** One entry's header. */
  public record Entry(String name, long size, char type) {
    public boolean isFile() {
      return type == '0' || type == '\0';
    }
  }

  /** Reads entries one after another from a stream. */
  public static final class Reader {
    private final InputStream in;
    private long remaining;
    private long padding;

    public Reader(InputStream in) {
      this.in = in;
    }

    /** The next entry, skipping what is left of the current one; null at the end of the archive. */
    public Entry next() throws IOException {
      skipFully(remaining + padding);
      remaining = 0;
      padding = 0;
      byte[] h = new byte[BLOCK];
      if (!readBlock(h)) {
        return null;
      }
      if (allZero(h)) {
        return null;
      }
      if (!checksumOk(h)) {
        throw new IOException("not a tar archive (bad header checksum)");
      }
      String name = string(h, 0, 100);
      String prefix = string(h, 345, 155);
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
      long size = number(h, 124, 12);
      char type = (char) h[156];
      remaining = size;
      padding = (BLOCK - size % BLOCK) % BLOCK;
      return new Entry(name, size, type);
    }

    /** The current entry's content; read it fully or leave it to {@link #next}. */
    public InputStream content() {
      return new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          if (remaining <= 0) {
            return -1;
          }
          int n = in.read(b, off, (int) Math.min(len, remaining));
          if (n < 0) {
            throw new EOFException("tar entry is truncated");
          }
          remaining -= n;
          return n;
        }
      };
    }

    private boolean readBlock(byte[] h) throws IOException {
      int off = 0;
      while (off < h.length) {
        int n = in.read(h, off, h.length - off);
        if (n < 0) {
          if (off == 0) {
            return false;
          }
          throw new EOFException("tar header is truncated");
        }
        off += n;
      }
      return true;
    }

    private void skipFully(long n) throws IOException {
      while (n > 0) {
        long s = in.skip(n);
        if (s <= 0) {
          if (in.read() < 0) {
            throw new EOFException("tar archive is truncated");
          }
          s = 1;
        }
        n -= s;
      }
    }
  }

  /** Writes entries one after another to a stream. */
  public static final class Writer implements AutoCloseable {
    private final OutputStream out;

    public Writer(OutputStream out) {
      this.out = out;
    }

    /** Writes a header; the caller then writes exactly {@code size} bytes and calls {@link #endEntry}. */
    public void beginEntry(String name, long size, long mtimeSeconds) throws IOException {
      byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
      if (nameBytes.length > 100) {
        throw new IOException("file name too long for an OVA: " + name);
      }
      byte[] h = new byte[BLOCK];
      System.arraycopy(nameBytes, 0, h, 0, nameBytes.length);
      octal(h, 100, 8, 0644);
      octal(h, 108, 8, 0);
      octal(h, 116, 8, 0);
      if (size < 077777777777L) {
        octal(h, 124, 12, size);
      } else {
        h[124] = (byte) 0x80;
        for (int i = 0; i < 8; i++) {
          h[135 - i] = (byte) (size >>> (8 * i));
        }
      }
      octal(h, 136, 12, mtimeSeconds);
      h[156] = '0';
      System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
      h[263] = '0';
      h[264] = '0';
      Arrays.fill(h, 148, 156, (byte) ' ');
      long sum = 0;
      for (byte b : h) {
        sum += b & 0xff;
      }
      octal(h, 148, 7, sum);
      h[155] = ' ';
      out.write(h);
    }

    public void endEntry(long size) throws IOException {
      long pad = (BLOCK - size % BLOCK) % BLOCK;
      out.write(new byte[(int) pad]);
    }

    /** Writes the two zero blocks that end an archive. */
    @Override
    public void close() throws IOException {
      out.write(new byte[2 * BLOCK]);
      out.flush();
    }
  }

  private static void octal(byte[] h, int off, int len, long value) {
    String s = Long.toOctalString(value);
    String padded = "0".repeat(Math.max(0, len - 1 - s.length())) + s;
    byte[] b = padded.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, Math.min(b.length, len - 1));
    h[off + len - 1] = 0;
  }

  private static long number(byte[] h, int off, int len) throws IOException {
    if ((h[off] & 0x80) != 0) {
      long v = h[off] & 0x7f;
      for (int i = 1; i < len; i++) {
        v = (v << 8) | (h[off + i] & 0xff);
      }
      return v;
    }
    String s = string(h, off, len).trim();
    try {
      return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    } catch (NumberFormatException e) {
      throw new IOException("not a tar archive (bad size field)");
    }
  }

  private static String string(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) {
      end++;
    }
    return new String(h, off, end - off, StandardCharsets.UTF_8);
  }

  private static boolean allZero(byte[] h) {
    for (byte b : h) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean checksumOk(byte[] h) throws IOException {
    long stored = number(h, 148, 8);
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : h[i] & 0xff;
    }
    return sum == stored;
  }
}
