package io.hypersdk.diskimage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Raw disk bytes, optionally followed by a fixed VHD's 512-byte footer. The footer is only known once the
 * stream has ended, so the last 512 bytes are held back until then. The disk's size is the footer's current
 * size (its true size, not the CHS geometry some readers use).
 */
final class FixedVhdReader implements ImageReader {
  static final int FOOTER = 512;
  private static final int CHUNK = 1 << 20;
  private static final int CHECKSUM_AT = 64;
  private static final int FIXED = 2;

  private final boolean vhd;
  private final long sizeFromFooter;

  /**
   * @param vhd whether a VHD footer ends the stream
   * @param sizeFromFooter the footer's current size if it was read ahead (file sources), else -1: then the
   *     disk data before the footer must be exactly that size
   */
  FixedVhdReader(boolean vhd, long sizeFromFooter) {
    this.vhd = vhd;
    this.sizeFromFooter = sizeFromFooter;
  }

  @Override
  public long read(HashingSource src, Qcow2Writer out) throws IOException, InterruptedException {
    int hold = vhd ? FOOTER : 0;
    long limit = sizeFromFooter >= 0 ? sizeFromFooter : Long.MAX_VALUE;
    byte[] buf = new byte[CHUNK + hold];
    int have = 0;
    long diskOffset = 0;
    while (true) {
      int n = src.read(buf, have, buf.length - have);
      if (n <= 0) {
        break;
      }
      have += n;
      if (have > hold) {
        int emit = have - hold;
        int kept = (int) Math.max(0, Math.min(emit, limit - diskOffset));
        if (kept > 0) {
          out.write(diskOffset, buf, 0, kept);
        }
        diskOffset += emit;
        System.arraycopy(buf, emit, buf, 0, hold);
        have = hold;
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
    if (!vhd) {
      return (diskOffset + 511) & -512L; // qemu sizes disks in whole sectors; the tail reads as zeros
    }
    if (have < FOOTER) {
      throw src.malformed(0, "it is " + have + " bytes long, shorter than a VHD footer");
    }
    long footerAt = diskOffset;
    ByteBuffer f = ByteBuffer.wrap(buf, 0, FOOTER).slice();
    String cookie = new String(buf, 0, 8, StandardCharsets.ISO_8859_1);
    if (!"conectix".equals(cookie)) {
      throw src.malformed(footerAt, "no VHD footer (no \"conectix\" cookie in the last 512 bytes)");
    }
    int stored = f.getInt(CHECKSUM_AT);
    int computed = checksum(buf);
    if (stored != computed) {
      throw src.malformed(footerAt + CHECKSUM_AT, String.format("VHD footer checksum is wrong (stored 0x%08x, "
          + "computed 0x%08x); the file is damaged or was cut short", stored, computed));
    }
    int type = f.getInt(60);
    if (type != FIXED) {
      throw src.malformed(footerAt + 60, "VHD disk type " + type + " is not fixed (2)");
    }
    long size = f.getLong(48);
    if (size < 0 || size > diskOffset) {
      throw src.malformed(footerAt + 48, "VHD footer declares " + Long.toUnsignedString(size) + " bytes but "
          + "only " + diskOffset + " bytes of disk data precede it; the download was cut short");
    }
    if (size != Math.min(limit, diskOffset)) {
      throw src.malformed(footerAt + 48, "VHD footer declares " + size + " bytes but " + diskOffset
          + " bytes of disk data precede it; convert it from a file, where the footer is read first");
    }
    return size;
  }

  /** The VHD checksum: the one's complement of the byte sum of the footer without its checksum field. */
  static int checksum(byte[] footer) {
    int sum = 0;
    for (int i = 0; i < FOOTER; i++) {
      if (i < CHECKSUM_AT || i >= CHECKSUM_AT + 4) {
        sum += footer[i] & 0xff;
      }
    }
    return ~sum;
  }
}
