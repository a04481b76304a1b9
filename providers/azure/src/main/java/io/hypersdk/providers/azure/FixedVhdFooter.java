package io.hypersdk.providers.azure;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * The 512-byte footer that makes raw disk data a fixed VHD, as Azure stores managed disks (VHD specification
 * "Hard Disk Footer Format": big-endian fields, CHS geometry from the spec's algorithm, creator application
 * {@code wa}).
 */
final class FixedVhdFooter {
  static final int SIZE = 512;
  /** The VHD epoch: 2000-01-01T00:00:00Z. */
  private static final long EPOCH = 946684800L;

  private FixedVhdFooter() {}

  /** The footer of a fixed disk of {@code bytes} (a multiple of 512) made at {@code now}. */
  static byte[] of(long bytes, Instant now, UUID id) {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    b.put("conectix".getBytes(StandardCharsets.US_ASCII));
    b.putInt(2); // features: reserved bit, always set
    b.putInt(0x00010000); // file format version 1.0
    b.putLong(-1L); // data offset: none for a fixed disk
    b.putInt((int) (now.getEpochSecond() - EPOCH));
    b.put(new byte[] {'w', 'a', 0, 0});
    b.putInt(0x00070000);
    b.put("Wi2k".getBytes(StandardCharsets.US_ASCII));
    b.putLong(bytes);
    b.putLong(bytes);
    b.putInt(geometry(bytes / 512));
    b.putInt(2); // disk type: fixed
    b.putInt(0); // checksum, set below
    b.putLong(id.getMostSignificantBits());
    b.putLong(id.getLeastSignificantBits());
    byte[] footer = b.array();
    ByteBuffer.wrap(footer, 64, 4).putInt(checksum(footer));
    return footer;
  }

  /** One's complement of the sum of every byte, the checksum field counting as zero. */
  static int checksum(byte[] footer) {
    int sum = 0;
    for (int i = 0; i < footer.length; i++) {
      if (i < 64 || i >= 68) {
        sum += footer[i] & 0xff;
      }
    }
    return ~sum;
  }

  /** Cylinders (16 bits), heads and sectors per track (8 bits each), by the specification's algorithm. */
  private static int geometry(long totalSectors) {
    long ts = Math.min(totalSectors, 65535L * 16 * 255);
    long spt;
    long heads;
    long cth;
    if (ts >= 65535L * 16 * 63) {
      spt = 255;
      heads = 16;
      cth = ts / spt;
    } else {
      spt = 17;
      cth = ts / spt;
      heads = Math.max(4, (cth + 1023) / 1024);
      if (cth >= heads * 1024 || heads > 16) {
        spt = 31;
        heads = 16;
        cth = ts / spt;
      }
      if (cth >= heads * 1024) {
        spt = 63;
        heads = 16;
        cth = ts / spt;
      }
    }
    return (int) ((cth / heads) << 16 | heads << 8 | spt);
  }
}
