package io.hypersdk.diskimage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The 512-byte header of a hosted sparse VMDK extent (little-endian), checked before any field is used. */
record VmdkHeader(int version, int flags, long capacitySectors, long grainSectors, long descriptorOffset,
    long gtesPerGt, long rgdOffset, long gdOffset, long overheadSectors, int compressAlgorithm) {
  static final int SIZE = 512;
  static final int MAGIC = 0x564d444b; // "KDMV" read little-endian
  static final int FLAG_COMPRESSED = 1 << 16;
  static final int FLAG_MARKERS = 1 << 17;
  static final long GD_AT_END = -1L;
  /** Largest disk accepted: 64 TiB, qemu's own VMDK limit. */
  static final long MAX_CAPACITY_SECTORS = (64L << 40) / 512;
  /** Largest grain accepted (1 MiB): a grain is held in memory while it is inflated. */
  static final long MAX_GRAIN_SECTORS = 2048;

  static boolean hasMagic(byte[] first) {
    return first.length >= 4 && ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN).getInt(0) == MAGIC;
  }

  /** Parses and validates the header found at {@code offset} of the source. */
  static VmdkHeader parse(byte[] b, long offset, HashingSource src) throws MalformedImageException {
    ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    if (h.getInt(0) != MAGIC) {
      throw src.malformed(offset, String.format("no VMDK sparse header (magic is 0x%08x, not \"KDMV\")",
          h.getInt(0)));
    }
    VmdkHeader v = new VmdkHeader(h.getInt(4), h.getInt(8), h.getLong(12), h.getLong(20), h.getLong(28),
        Integer.toUnsignedLong(h.getInt(44)), h.getLong(48), h.getLong(56), h.getLong(64),
        Short.toUnsignedInt(h.getShort(77)));
    if (v.version < 1 || v.version > 3) {
      throw src.malformed(offset + 4, "unsupported VMDK version " + Integer.toUnsignedString(v.version));
    }
    if (v.capacitySectors < 0 || v.capacitySectors > MAX_CAPACITY_SECTORS) {
      throw src.malformed(offset + 12, "capacity of " + Long.toUnsignedString(v.capacitySectors)
          + " sectors is beyond the 64 TiB limit");
    }
    if (v.grainSectors < 1 || v.grainSectors > MAX_GRAIN_SECTORS || Long.bitCount(v.grainSectors) != 1) {
      throw src.malformed(offset + 20, "grain size of " + Long.toUnsignedString(v.grainSectors)
          + " sectors is not a power of two between 1 and " + MAX_GRAIN_SECTORS);
    }
    if (v.gtesPerGt < 1 || v.gtesPerGt > 8192) {
      throw src.malformed(offset + 44, "grain table size of " + v.gtesPerGt + " entries is not between 1 and "
          + "8192");
    }
    if (v.overheadSectors < 1 || v.overheadSectors > MAX_CAPACITY_SECTORS) {
      throw src.malformed(offset + 64, "overhead of " + Long.toUnsignedString(v.overheadSectors)
          + " sectors is out of range");
    }
    if (v.compressed() && v.compressAlgorithm != 1) {
      throw src.malformed(offset + 77, "compression algorithm " + v.compressAlgorithm + " is not deflate (1)");
    }
    return v;
  }

  boolean compressed() {
    return (flags & FLAG_COMPRESSED) != 0;
  }

  boolean streamOptimized() {
    return compressed() && (flags & FLAG_MARKERS) != 0;
  }

  long grainBytes() {
    return grainSectors * 512;
  }

  long capacityBytes() {
    return capacitySectors * 512;
  }

  /** Number of grain directory entries: one per grain table's worth of the disk. */
  long gdEntries() {
    long perTable = grainSectors * gtesPerGt;
    return (capacitySectors + perTable - 1) / perTable;
  }
}
