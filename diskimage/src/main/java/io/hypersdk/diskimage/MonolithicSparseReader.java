package io.hypersdk.diskimage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.BitSet;

/**
 * A monolithicSparse VMDK read front to back: header, grain directory, grain tables, then the grains. This
 * works for files whose tables precede the grains and whose grains are stored in disk order, which is how
 * qemu-img and VMware lay them out; anything else is refused rather than read twice.
 *
 * <p>Memory: 16 bytes per allocated grain (its position and disk address), collected from the tables before
 * the first grain is read.
 */
final class MonolithicSparseReader implements ImageReader {
  /** Grain directories beyond this many entries (64 MiB) are refused: the directory is held in memory. */
  private static final long MAX_GD_ENTRIES = 16L << 20;
  private static final int CHUNK = 1 << 20;

  @Override
  public long read(HashingSource src, Qcow2Writer out) throws IOException, InterruptedException {
    VmdkHeader h = VmdkHeader.parse(src.readFully(VmdkHeader.SIZE, "the VMDK header"), 0, src);
    if (h.compressed()) {
      throw src.malformed(8, "the header flags say compressed grains, which a monolithicSparse disk has not");
    }
    GrainList grains = new GrainList();
    BitSet clusters = new BitSet();
    readTables(src, h, (sector, grain) -> {
      grains.add(sector, grain);
      StreamOptimizedReader.mark(clusters, grain, h);
    });
    grains.sortBySector();
    out.plan(h.capacityBytes(), clusters);
    byte[] buf = new byte[(int) Math.min(CHUNK, h.grainBytes())];
    long lastGrain = -1;
    for (int i = 0; i < grains.size(); i++) {
      long at = grains.sector(i) * 512;
      long grain = grains.grain(i);
      if (grain <= lastGrain) {
        throw src.outOfOrder(at, "grain " + grain + " is stored after grain " + lastGrain + "; only grains "
            + "stored in disk order can be converted in one pass");
      }
      lastGrain = grain;
      src.skipTo(at, "grain " + grain);
      long diskOffset = grain * h.grainBytes();
      long remaining = Math.min(h.grainBytes(), h.capacityBytes() - diskOffset);
      while (remaining > 0) {
        int n = (int) Math.min(buf.length, remaining);
        src.readFully(buf, 0, n, "grain " + grain);
        out.write(diskOffset, buf, 0, n);
        diskOffset += n;
        remaining -= n;
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
    return h.capacityBytes();
  }

  /** Told each allocated grain a grain table lists. */
  interface GrainSink {
    void grain(long sector, long grain);
  }

  /**
   * Reads the grain directory and grain tables from the metadata area at the start of the extent (where
   * qemu-img and VMware put them), telling {@code sink} every allocated grain, in table order.
   */
  static void readTables(HashingSource src, VmdkHeader h, GrainSink sink) throws IOException {
    long gdEntries = h.gdEntries();
    if (gdEntries > MAX_GD_ENTRIES) {
      throw src.malformed(44, "grain directory of " + gdEntries + " entries is too large");
    }
    if (h.gdOffset() < 1 || h.gdOffset() > h.overheadSectors()) {
      throw src.malformed(56, "grain directory at sector " + Long.toUnsignedString(h.gdOffset())
          + " is outside the metadata area of " + h.overheadSectors() + " sectors");
    }
    long gdAt = h.gdOffset() * 512;
    if (src.length() >= 0 && h.overheadSectors() * 512 > src.length()) {
      throw src.malformed(64, "metadata area of " + h.overheadSectors() + " sectors is longer than the "
          + src.length() + "-byte file");
    }
    if (gdAt + gdEntries * 4 > h.overheadSectors() * 512) {
      throw src.malformed(56, "grain directory of " + gdEntries + " entries runs past the metadata area");
    }
    src.skipTo(gdAt, "the grain directory");
    ByteBuffer gd = ByteBuffer.wrap(src.readFully((int) (gdEntries * 4), "the grain directory"))
        .order(ByteOrder.LITTLE_ENDIAN);

    // Grain tables, in the order they are stored.
    // Sorted by sector, table number in the low 24 bits (MAX_GD_ENTRIES keeps it there).
    long[] order = new long[(int) gdEntries];
    for (int i = 0; i < gdEntries; i++) {
      order[i] = Integer.toUnsignedLong(gd.getInt(i * 4)) << 24 | i;
    }
    Arrays.sort(order);
    long grainsPerTable = h.gtesPerGt();
    long totalGrains = (h.capacitySectors() + h.grainSectors() - 1) / h.grainSectors();
    for (long packed : order) {
      int t = (int) (packed & 0xffffff);
      long tableSector = packed >>> 24;
      if (tableSector == 0) {
        continue; // no table: that part of the disk is unallocated
      }
      long at = tableSector * 512;
      if (tableSector >= h.overheadSectors()) {
        throw src.malformed(gdAt + t * 4L, "grain table " + t + " at sector " + tableSector
            + " lies outside the metadata area of " + h.overheadSectors() + " sectors");
      }
      src.skipTo(at, "grain table " + t);
      ByteBuffer gt = ByteBuffer.wrap(src.readFully((int) (grainsPerTable * 4), "grain table " + t))
          .order(ByteOrder.LITTLE_ENDIAN);
      for (int e = 0; e < grainsPerTable; e++) {
        long sector = Integer.toUnsignedLong(gt.getInt(e * 4));
        long grain = t * grainsPerTable + e;
        if (sector > 1 && grain < totalGrains) { // 0: unallocated, 1: a zeroed grain
          if (sector < h.overheadSectors()) {
            throw src.malformed(at + e * 4L, "grain " + grain + " at sector " + sector
                + " lies inside the metadata area");
          }
          sink.grain(sector, grain);
        }
      }
    }
  }

  /** Allocated grains: file sector and grain number, kept in two arrays rather than boxed pairs. */
  private static final class GrainList {
    private long[] sectors = new long[64];
    private long[] grains = new long[64];
    private int size;

    void add(long sector, long grain) {
      if (size == sectors.length) {
        sectors = Arrays.copyOf(sectors, size * 2);
        grains = Arrays.copyOf(grains, size * 2);
      }
      sectors[size] = sector;
      grains[size++] = grain;
    }

    int size() {
      return size;
    }

    long sector(int i) {
      return sectors[i];
    }

    long grain(int i) {
      return grains[i];
    }

    /** Sorts by sector; stored in disk order, the grains come out sorted already, so this is one check. */
    void sortBySector() {
      for (int i = 1; i < size; i++) {
        if (sectors[i] < sectors[i - 1]) {
          Integer[] idx = new Integer[size];
          for (int k = 0; k < size; k++) {
            idx[k] = k;
          }
          Arrays.sort(idx, (a, b) -> Long.compare(sectors[a], sectors[b]));
          long[] s = new long[size];
          long[] g = new long[size];
          for (int k = 0; k < size; k++) {
            s[k] = sectors[idx[k]];
            g[k] = grains[idx[k]];
          }
          sectors = s;
          grains = g;
          return;
        }
      }
    }
  }
}
