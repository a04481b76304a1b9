package io.hypersdk.diskimage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.zip.Deflater;

/**
 * Writes a qcow2 (v3, compat 1.1, 64 KiB clusters, 16-bit refcounts) from disk contents handed over in
 * ascending disk order, in one of two layouts:
 *
 * <ul>
 *   <li><b>Planned</b>, when the reader knows which clusters hold data before the first one arrives (VMDK grain
 *       tables) and clusters are not compressed: header, L1 table, refcount table, refcount blocks and L2
 *       tables are computed up front and written first, then the data clusters in order. The whole file is
 *       written front to back once, so its SHA-256 is computed on the way out ({@link #outputSha256}).
 *   <li><b>Appending</b>, otherwise: data clusters, then each L2 table as soon as the disk position leaves its
 *       range, each refcount block as soon as the file leaves its range, and at the end the L1 table, the last
 *       refcount blocks and the refcount table. Only the header cluster at offset 0 is written last, because it
 *       names where the tables ended up; the output's SHA-256 then needs one read of the new file.
 * </ul>
 *
 * <p>Memory: one cluster being filled, one batch of clusters ({@code batchClusters} x 64 KiB, twice that
 * while compressing), one L2 table (64 KiB), one refcount block (64 KiB), and 8 bytes per 512 MiB of disk
 * (L1) plus 8 bytes per 2 GiB of file (refcount table).
 */
final class Qcow2Writer {
  static final int CLUSTER_BITS = 16;
  static final int CLUSTER = 1 << CLUSTER_BITS;
  private static final int L2_ENTRIES = CLUSTER / 8;
  private static final int REFS_PER_BLOCK = CLUSTER / 2;
  private static final long COPIED = 1L << 63;
  private static final long COMPRESSED = 1L << 62;
  /** Bit where a compressed L2 entry's sector count starts: 62 - (cluster_bits - 8). */
  private static final int CSIZE_SHIFT = 62 - (CLUSTER_BITS - 8);
  /** qemu inflates compressed clusters with a 4 KiB window, so no back-reference may reach further. */
  private static final int DEFLATE_WINDOW = 4096;
  private static final int WRITE_BUFFER = 1 << 20;

  private final FileChannel ch;
  private final Workers workers;
  private final boolean compress;
  private final int batchClusters;

  private final ByteBuffer out = ByteBuffer.allocate(WRITE_BUFFER);
  private long outStart = CLUSTER;
  /** The planned layout, or null when appending. */
  private Plan plan;
  private MessageDigest digest;

  private long fillIndex = -1;
  private byte[] fill;
  private final List<Long> batchIndex = new ArrayList<>();
  private final List<byte[]> batchData = new ArrayList<>();
  private long nextDiskOffset;

  private final LongList l1 = new LongList();
  private long l2Index = -1;
  private long[] l2;

  private final LongList refTable = new LongList();
  private long refBlockIndex;
  private short[] refBlock = new short[REFS_PER_BLOCK];

  Qcow2Writer(FileChannel ch, Workers workers, boolean compress, int threads) {
    this.ch = ch;
    this.workers = workers;
    this.compress = compress;
    this.batchClusters = Math.max(4, threads * 8);
    refBlock[0] = 1; // the header cluster
  }

  /** Which disk clusters hold data, and where the planned layout puts the tables and the data. */
  private static final class Plan {
    final long virtualSize;
    final BitSet allocated;
    final long dataStart;
    final long totalClusters;
    /** The next allocated cluster not yet written, and how many allocated clusters precede it. */
    int next;

    Plan(long virtualSize, BitSet allocated, long dataStart, long totalClusters) {
      this.virtualSize = virtualSize;
      this.allocated = allocated;
      this.dataStart = dataStart;
      this.totalClusters = totalClusters;
      this.next = allocated.nextSetBit(0);
    }
  }

  /**
   * Fixes the layout before any data arrives: {@code allocated} has a bit per disk cluster that will hold data
   * (clusters without one must receive only zeros). Writes all metadata at once. Does nothing (and returns
   * false) when compressing, since compressed sizes are not known in advance.
   */
  boolean plan(long virtualSize, BitSet allocated) throws IOException {
    if (compress || nextDiskOffset > 0 || fill != null) {
      return false;
    }
    long dataClusters = allocated.cardinality();
    int l1Size = l1Size(virtualSize);
    int l1Clusters = Math.max(1, (l1Size * 8 + CLUSTER - 1) / CLUSTER);
    int l2Tables = 0;
    for (int t = 0; t < l1Size; t++) {
      int from = t * L2_ENTRIES;
      int next = allocated.nextSetBit(from);
      if (next >= 0 && next < from + L2_ENTRIES) {
        l2Tables++;
      }
    }
    long fixed = 1 + l1Clusters + l2Tables + dataClusters;
    long blocks = 1;
    long tableClusters = 1;
    while (true) {
      long total = fixed + blocks + tableClusters;
      long needBlocks = (total + REFS_PER_BLOCK - 1) / REFS_PER_BLOCK;
      long needTable = (needBlocks * 8 + CLUSTER - 1) / CLUSTER;
      if (needBlocks <= blocks && needTable <= tableClusters) {
        break;
      }
      blocks = Math.max(blocks, needBlocks);
      tableClusters = Math.max(tableClusters, needTable);
    }
    long total = fixed + blocks + tableClusters;
    long tableAt = 1 + l1Clusters;
    long blocksAt = tableAt + tableClusters;
    long l2At = blocksAt + blocks;
    long dataAt = l2At + l2Tables;

    digest = io.hypersdk.io.Sha256.newDigest();
    outStart = 0;
    appendBytes(header(virtualSize, l1Size, CLUSTER, tableAt * CLUSTER, (int) tableClusters).array());
    ByteBuffer l1Bytes = ByteBuffer.allocate(l1Clusters * CLUSTER);
    int table = 0;
    for (int t = 0; t < l1Size; t++) {
      int from = t * L2_ENTRIES;
      int next = allocated.nextSetBit(from);
      l1Bytes.putLong(next >= 0 && next < from + L2_ENTRIES ? (l2At + table++) * CLUSTER | COPIED : 0);
    }
    appendBytes(l1Bytes.array());
    ByteBuffer refTableBytes = ByteBuffer.allocate((int) tableClusters * CLUSTER);
    for (long b = 0; b < blocks; b++) {
      refTableBytes.putLong((blocksAt + b) * CLUSTER);
    }
    appendBytes(refTableBytes.array());
    for (long b = 0; b < blocks; b++) {
      short[] counts = new short[REFS_PER_BLOCK];
      for (long c = b * REFS_PER_BLOCK; c < Math.min(total, (b + 1) * REFS_PER_BLOCK); c++) {
        counts[(int) (c - b * REFS_PER_BLOCK)] = 1;
      }
      appendBytes(refBlockBytes(counts));
    }
    long data = dataAt;
    for (int t = 0; t < l1Size; t++) {
      int from = t * L2_ENTRIES;
      int next = allocated.nextSetBit(from);
      if (next < 0 || next >= from + L2_ENTRIES) {
        continue;
      }
      ByteBuffer l2Bytes = ByteBuffer.allocate(CLUSTER);
      for (int i = 0; i < L2_ENTRIES; i++) {
        l2Bytes.putLong(allocated.get(from + i) ? data++ * CLUSTER | COPIED : 0);
      }
      appendBytes(l2Bytes.array());
    }
    plan = new Plan(virtualSize, allocated, dataAt, total);
    return true;
  }

  /** The SHA-256 of the whole file when it was written front to back (planned layout), else null. */
  String outputSha256() {
    return digest == null ? null : io.hypersdk.io.Sha256.format(digest);
  }

  /** Hands over disk bytes at {@code diskOffset}; offsets must not go backwards. Zero runs are not stored. */
  void write(long diskOffset, byte[] b, int off, int len) throws IOException, InterruptedException {
    if (diskOffset < nextDiskOffset) {
      throw new IllegalStateException("disk offset " + diskOffset + " is behind " + nextDiskOffset);
    }
    nextDiskOffset = diskOffset + len;
    while (len > 0) {
      long index = diskOffset >>> CLUSTER_BITS;
      if (index != fillIndex) {
        finishFill();
        fillIndex = index;
        fill = new byte[CLUSTER];
      }
      int at = (int) (diskOffset & (CLUSTER - 1));
      int n = Math.min(len, CLUSTER - at);
      System.arraycopy(b, off, fill, at, n);
      diskOffset += n;
      off += n;
      len -= n;
    }
  }

  /** Writes the remaining tables and the header. The file is complete (not yet forced) afterwards. */
  long finish(long virtualSize) throws IOException, InterruptedException {
    if (nextDiskOffset > virtualSize) {
      throw new IllegalStateException("data up to " + nextDiskOffset + " beyond the disk size " + virtualSize);
    }
    finishFill();
    flushBatch();
    if (plan != null) {
      if (virtualSize != plan.virtualSize) {
        throw new IllegalStateException("disk size " + virtualSize + " differs from the planned " + plan.virtualSize);
      }
      fillPlannedUpTo(Integer.MAX_VALUE);
      flushOut();
      return plan.totalClusters * CLUSTER;
    }
    flushL2();
    int l1Size = l1Size(virtualSize);
    long l1Offset = alignedPosition();
    int l1Clusters = Math.max(1, (l1Size * 8 + CLUSTER - 1) / CLUSTER);
    ByteBuffer l1Bytes = ByteBuffer.allocate(l1Clusters * CLUSTER);
    for (int i = 0; i < l1Size; i++) {
      l1Bytes.putLong(i < l1.size() ? l1.get(i) : 0);
    }
    appendClusters(l1Bytes.array());

    // The refcount blocks and table count themselves: find how many are needed once they are added.
    long first = alignedPosition() / CLUSTER;
    long blocks = 1;
    long tableClusters = 1;
    while (true) {
      long end = first + blocks + tableClusters;
      long lastBlock = (end - 1) / REFS_PER_BLOCK;
      long needBlocks = lastBlock - refBlockIndex + 1;
      long needTable = ((lastBlock + 1) * 8 + CLUSTER - 1) / CLUSTER;
      if (needBlocks == blocks && needTable == tableClusters) {
        break;
      }
      blocks = Math.max(blocks, needBlocks);
      tableClusters = Math.max(tableClusters, needTable);
    }
    short[][] tail = new short[(int) blocks][];
    tail[0] = refBlock;
    for (int i = 1; i < blocks; i++) {
      tail[i] = new short[REFS_PER_BLOCK];
    }
    long end = first + blocks + tableClusters;
    for (long c = first; c < end; c++) {
      tail[(int) (c / REFS_PER_BLOCK - refBlockIndex)][(int) (c % REFS_PER_BLOCK)]++;
    }
    for (int i = 0; i < blocks; i++) {
      refTable.add((first + i) * CLUSTER);
      appendBytes(refBlockBytes(tail[i])); // counted above
    }
    long tableOffset = (first + blocks) * CLUSTER;
    ByteBuffer table = ByteBuffer.allocate((int) tableClusters * CLUSTER);
    for (int i = 0; i < refTable.size(); i++) {
      table.putLong(refTable.get(i));
    }
    appendBytes(table.array()); // counted above, with the tail blocks
    flushOut();

    writeAt(header(virtualSize, l1Size, l1Offset, tableOffset, (int) tableClusters), 0);
    return end * CLUSTER;
  }

  private static int l1Size(long virtualSize) {
    return (int) ((virtualSize + (long) CLUSTER * L2_ENTRIES - 1) / ((long) CLUSTER * L2_ENTRIES));
  }

  private static ByteBuffer header(long virtualSize, int l1Size, long l1Offset, long tableOffset,
      int tableClusters) {
    ByteBuffer header = ByteBuffer.allocate(CLUSTER);
    header.putInt(0x514649fb).putInt(3) // magic "QFI\xfb", version 3 (compat 1.1)
        .putLong(0).putInt(0) // no backing file
        .putInt(CLUSTER_BITS).putLong(virtualSize).putInt(0) // no encryption
        .putInt(l1Size).putLong(l1Offset)
        .putLong(tableOffset).putInt(tableClusters)
        .putInt(0).putLong(0) // no snapshots
        .putLong(0).putLong(0).putLong(0) // incompatible, compatible, autoclear features
        .putInt(4) // refcount_order: 16-bit refcounts
        .putInt(104); // header length; the zeros after it end the (empty) extension list
    return header.clear();
  }

  /** Planned layout: writes zeros for allocated clusters below {@code index} that received no data. */
  private void fillPlannedUpTo(long index) throws IOException {
    while (plan.next >= 0 && plan.next < index) {
      appendBytes(new byte[CLUSTER]);
      plan.next = plan.allocated.nextSetBit(plan.next + 1);
    }
  }

  private void finishFill() throws IOException, InterruptedException {
    if (fill == null) {
      return;
    }
    batchIndex.add(fillIndex);
    batchData.add(fill);
    fill = null;
    if (batchIndex.size() >= batchClusters) {
      flushBatch();
    }
  }

  private void flushBatch() throws IOException, InterruptedException {
    if (batchIndex.isEmpty()) {
      return;
    }
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (plan != null) {
      // Nothing to encode: the planned layout stores every allocated cluster as it is.
      for (int i = 0; i < batchIndex.size(); i++) {
        storeCluster(batchIndex.get(i), batchData.get(i));
      }
      batchIndex.clear();
      batchData.clear();
      return;
    }
    List<Workers.Job<byte[]>> jobs = new ArrayList<>(batchData.size());
    for (byte[] data : batchData) {
      jobs.add(() -> encode(data));
    }
    List<byte[]> encoded = workers.map(jobs);
    for (int i = 0; i < encoded.size(); i++) {
      byte[] e = encoded.get(i);
      if (e != null) {
        storeCluster(batchIndex.get(i), e);
      }
    }
    batchIndex.clear();
    batchData.clear();
  }

  /** Null for an all-zero cluster (left unallocated), else the bytes to store: compressed if that is smaller. */
  private byte[] encode(byte[] data) {
    if (isZero(data)) {
      return null;
    }
    if (!compress) {
      return data;
    }
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    try {
      byte[] buf = new byte[CLUSTER];
      int len = 0;
      for (int at = 0; at < CLUSTER; at += DEFLATE_WINDOW) {
        d.setInput(data, at, DEFLATE_WINDOW);
        if (at + DEFLATE_WINDOW == CLUSTER) {
          d.finish();
        }
        int mode = at + DEFLATE_WINDOW == CLUSTER ? Deflater.NO_FLUSH : Deflater.FULL_FLUSH;
        while (true) {
          int n = d.deflate(buf, len, buf.length - len, mode);
          len += n;
          if (len >= CLUSTER - 512) {
            return data; // does not pay: store the cluster as it is
          }
          if (at + DEFLATE_WINDOW == CLUSTER ? d.finished() : (n == 0 && d.needsInput())) {
            break;
          }
        }
      }
      return Arrays.copyOf(buf, len);
    } finally {
      d.end();
    }
  }

  private static boolean isZero(byte[] data) {
    for (byte x : data) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private void storeCluster(long index, byte[] bytes) throws IOException {
    if (plan != null) {
      if (index > Integer.MAX_VALUE || !plan.allocated.get((int) index)) {
        if (isZero(bytes)) {
          return;
        }
        throw new IllegalStateException("cluster " + index + " holds data but was not planned");
      }
      fillPlannedUpTo(index);
      appendBytes(bytes);
      plan.next = plan.allocated.nextSetBit((int) index + 1);
      return;
    }
    long l2i = index / L2_ENTRIES;
    if (l2i != l2Index) {
      flushL2();
      l2Index = l2i;
      l2 = new long[L2_ENTRIES];
    }
    long entry;
    if (bytes.length == CLUSTER) {
      long offset = alignedPosition();
      appendClusters(bytes);
      entry = offset | COPIED;
    } else {
      long offset = position();
      appendBytes(bytes);
      long sectors = ((offset + bytes.length - 1) >>> 9) - (offset >>> 9);
      entry = COMPRESSED | (sectors << CSIZE_SHIFT) | offset;
      for (long c = offset / CLUSTER; c <= (offset + bytes.length - 1) / CLUSTER; c++) {
        ref(c, 1);
      }
    }
    l2[(int) (index % L2_ENTRIES)] = entry;
  }

  private void flushL2() throws IOException {
    if (l2 == null) {
      return;
    }
    ByteBuffer b = ByteBuffer.allocate(CLUSTER);
    for (long e : l2) {
      b.putLong(e);
    }
    long offset = alignedPosition();
    appendClusters(b.array());
    while (l1.size() <= l2Index) {
      l1.add(0);
    }
    l1.set((int) l2Index, offset | COPIED);
    l2 = null;
    l2Index = -1;
  }

  private long position() {
    return outStart + out.position();
  }

  /** Moves to the next cluster boundary; the skipped bytes belong to a cluster that is already counted. */
  private long alignedPosition() throws IOException {
    long p = position();
    long aligned = (p + CLUSTER - 1) & -CLUSTER;
    if (aligned != p) {
      appendBytes(new byte[(int) (aligned - p)]);
    }
    return aligned;
  }

  /** Appends whole clusters at a cluster boundary, counting one reference to each. */
  private void appendClusters(byte[] bytes) throws IOException {
    long first = position() / CLUSTER;
    appendBytes(bytes);
    for (long c = first; c < first + bytes.length / CLUSTER; c++) {
      ref(c, 1);
    }
  }

  private void appendBytes(byte[] bytes) throws IOException {
    int off = 0;
    while (off < bytes.length) {
      if (!out.hasRemaining()) {
        flushOut();
      }
      int n = Math.min(out.remaining(), bytes.length - off);
      out.put(bytes, off, n);
      off += n;
    }
  }

  private void flushOut() throws IOException {
    out.flip();
    if (digest != null) {
      digest.update(out.duplicate());
    }
    long at = outStart;
    outStart += out.remaining();
    writeAt(out, at);
    out.clear();
  }

  private void writeAt(ByteBuffer b, long at) throws IOException {
    while (b.hasRemaining()) {
      at += ch.write(b, at);
    }
  }

  /**
   * Counts references to host cluster {@code c}, just written. Clusters are written in file order, so once the
   * file leaves a refcount block's range that block is final and is written out next.
   */
  private void ref(long c, int n) throws IOException {
    long block = c / REFS_PER_BLOCK;
    if (block > refBlockIndex && n > 0) {
      // Written at the next boundary, which lies in a later block's range: count it there.
      short[] done = refBlock;
      long doneIndex = refBlockIndex;
      refBlockIndex = block;
      refBlock = new short[REFS_PER_BLOCK];
      refBlock[(int) (c % REFS_PER_BLOCK)] += n;
      long offset = alignedPosition();
      while (refTable.size() < doneIndex) {
        refTable.add(0);
      }
      refTable.add(offset);
      long own = offset / CLUSTER;
      appendBytes(refBlockBytes(done));
      ref(own, 1);
      return;
    }
    refBlock[(int) (c % REFS_PER_BLOCK)] += n;
  }

  private static byte[] refBlockBytes(short[] counts) {
    ByteBuffer b = ByteBuffer.allocate(CLUSTER);
    for (short s : counts) {
      b.putShort(s);
    }
    return b.array();
  }

  /** A growable list of longs (tables indexed by position, so no boxing per entry). */
  private static final class LongList {
    private long[] a = new long[16];
    private int size;

    int size() {
      return size;
    }

    long get(int i) {
      return a[i];
    }

    void set(int i, long v) {
      a[i] = v;
    }

    void add(long v) {
      if (size == a.length) {
        a = Arrays.copyOf(a, size * 2);
      }
      a[size++] = v;
    }
  }
}
