package io.hypersdk.diskimage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A streamOptimized VMDK read as the stream it was made for, never backwards: header, grain tables in the
 * metadata area (qemu-img's layout) or, for vSphere's, grain tables and directory as metadata markers after
 * the grains, then the footer. Every grain carries its own disk address; the tables, where they come first
 * (or were read through the footer of a file), give the qcow2 layout up front and tell a complete image from
 * one cut short. Grains are inflated on the pool in batches of {@code batchGrains}, results in disk order; one
 * batch inflates while the next is read.
 */
final class StreamOptimizedReader implements ImageReader {
  private static final int MARKER_EOS = 0;
  private static final int MARKER_GT = 1;
  private static final int MARKER_GD = 2;
  private static final int MARKER_FOOTER = 3;

  private final Workers workers;
  private final int batchGrains;
  private final Listed fromFooter;
  /** The batch on the pool, at most one besides the one being read: memory stays at two batches. */
  private Workers.Pending<byte[]> inflating;
  private List<Grain> inflatingGrains;

  /**
   * @param fromFooter the grains listed by the grain directory at the end of a file, read ahead of the pass
   *     ({@link #listedAtEnd}), or null
   */
  StreamOptimizedReader(Workers workers, int threads, Listed fromFooter) {
    this.workers = workers;
    this.batchGrains = Math.max(4, threads * 8);
    this.fromFooter = fromFooter;
  }

  /** The grains an image's tables list: the disk clusters they cover, and how many there are. */
  record Listed(BitSet clusters, long grains) {}

  /**
   * For a file in vSphere's layout (grain directory at the end), reads the footer, grain directory and grain
   * tables ahead of the pass: a few KiB per GiB, so that the qcow2 layout is known before the first grain.
   * Null when the file has no such footer or its tables do not make sense (the pass then says what is wrong).
   */
  static Listed listedAtEnd(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long length = ch.size();
      HashingSource errors = new HashingSource(InputStream.nullInputStream(), SourceFormat.VMDK_STREAM_OPTIMIZED,
          length, f -> { });
      if (length < 3 * 512) {
        return null;
      }
      VmdkHeader h = VmdkHeader.parse(readAt(ch, 0, 512), 0, errors);
      if (h.gdOffset() != VmdkHeader.GD_AT_END) {
        return null;
      }
      VmdkHeader footer = VmdkHeader.parse(readAt(ch, length - 1024, 512), length - 1024, errors);
      long gdEntries = footer.gdEntries();
      long gdAt = footer.gdOffset() * 512;
      if (footer.capacitySectors() != h.capacitySectors() || footer.grainSectors() != h.grainSectors()
          || gdEntries > (2L << 20) || gdAt <= 0 || gdAt + gdEntries * 4 > length) {
        return null;
      }
      ByteBuffer gd = ByteBuffer.wrap(readAt(ch, gdAt, (int) (gdEntries * 4))).order(ByteOrder.LITTLE_ENDIAN);
      BitSet clusters = new BitSet();
      long grains = 0;
      long perTable = footer.gtesPerGt();
      for (int t = 0; t < gdEntries; t++) {
        long gtAt = Integer.toUnsignedLong(gd.getInt(t * 4)) * 512;
        if (gtAt == 0) {
          continue;
        }
        if (gtAt + perTable * 4 > length) {
          return null;
        }
        ByteBuffer gt = ByteBuffer.wrap(readAt(ch, gtAt, (int) (perTable * 4))).order(ByteOrder.LITTLE_ENDIAN);
        for (int e = 0; e < perTable; e++) {
          long grain = t * perTable + e;
          if (Integer.toUnsignedLong(gt.getInt(e * 4)) > 1 && grain * footer.grainSectors() < footer.capacitySectors()) {
            mark(clusters, grain, footer);
            grains++;
          }
        }
      }
      return new Listed(clusters, grains);
    } catch (MalformedImageException e) {
      return null;
    }
  }

  private static byte[] readAt(FileChannel ch, long at, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) {
      // a positional read may return fewer bytes than asked
    }
    return b.array();
  }

  /** Marks the disk clusters grain {@code grain} covers. */
  static void mark(BitSet clusters, long grain, VmdkHeader h) {
    long from = grain * h.grainBytes();
    long to = Math.min(from + h.grainBytes(), h.capacityBytes());
    for (long c = from / Qcow2Writer.CLUSTER; c <= (to - 1) / Qcow2Writer.CLUSTER; c++) {
      clusters.set((int) c);
    }
  }

  private static boolean covered(BitSet clusters, long lba, VmdkHeader h) {
    long from = lba * 512;
    long to = Math.min(from + h.grainBytes(), h.capacityBytes());
    for (long c = from / Qcow2Writer.CLUSTER; c <= (to - 1) / Qcow2Writer.CLUSTER; c++) {
      if (!clusters.get((int) c)) {
        return false;
      }
    }
    return true;
  }

  private record Grain(long markerAt, long lba, byte[] compressed) {}

  @Override
  public long read(HashingSource src, Qcow2Writer out) throws IOException, InterruptedException {
    VmdkHeader h = VmdkHeader.parse(src.readFully(VmdkHeader.SIZE, "the VMDK header"), 0, src);
    if (!h.streamOptimized()) {
      throw src.malformed(8, "the header flags do not say streamOptimized (compressed grains with markers)");
    }
    // qemu-img keeps the grain tables in the metadata area and ends the file after the last grain, with no
    // end-of-stream marker; VMware appends them as markers and ends with one. Counting the grains the tables
    // list is what tells a complete qemu-img file from one cut short at a grain boundary.
    long[] listed = {-1};
    BitSet clusters = null;
    if (h.gdOffset() != VmdkHeader.GD_AT_END) {
      listed[0] = 0;
      BitSet c = new BitSet();
      MonolithicSparseReader.readTables(src, h, (sector, grain) -> {
        listed[0]++;
        mark(c, grain, h);
      });
      clusters = c;
    } else if (fromFooter != null) {
      listed[0] = fromFooter.grains();
      clusters = fromFooter.clusters();
    }
    boolean planned = clusters != null && out.plan(h.capacityBytes(), clusters);
    src.skipTo(h.overheadSectors() * 512, "the first grain");
    long seen = 0;
    boolean footerSeen = false;
    // A deflated grain is at most a few bytes per 16 KiB block larger than the grain itself.
    long maxCompressed = h.grainBytes() + h.grainBytes() / 64 + 1024;
    List<Grain> batch = new ArrayList<>();
    long nextLba = 0;
    while (true) {
      long at = src.position();
      if (at % 512 != 0) {
        throw src.malformed(at, "marker is not at a sector boundary");
      }
      byte[] marker = new byte[12];
      int got = src.read(marker, 0, 12);
      if (got == 0 && listed[0] >= 0) {
        checkComplete(src, at, seen, listed[0], true);
        break;
      }
      if (got < 12) {
        throw src.malformed(at, "the marker is cut short: the image ends after " + (at + got) + " bytes");
      }
      ByteBuffer m = ByteBuffer.wrap(marker).order(ByteOrder.LITTLE_ENDIAN);
      long value = m.getLong(0);
      long size = Integer.toUnsignedLong(m.getInt(8));
      if (size != 0) {
        if (size > maxCompressed) {
          throw src.malformed(at + 8, "compressed grain of " + size + " bytes is larger than a "
              + h.grainBytes() + "-byte grain can deflate to");
        }
        if (value < nextLba || value >= h.capacitySectors() || value % h.grainSectors() != 0) {
          throw src.malformed(at, "grain at sector " + Long.toUnsignedString(value) + " is "
              + (value < nextLba ? "out of disk order (expected sector " + nextLba + " or later)"
              : value >= h.capacitySectors() ? "beyond the disk's " + h.capacitySectors() + " sectors"
              : "not at a grain boundary"));
        }
        if (planned && !covered(clusters, value, h)) {
          throw src.malformed(at, "grain at sector " + value + " is not listed in the grain tables");
        }
        nextLba = value + h.grainSectors();
        seen++;
        byte[] data = src.readFully((int) size, "the compressed grain");
        src.skipTo(roundUp(at + 12 + size), "the next marker");
        batch.add(new Grain(at, value, data));
        if (batch.size() >= batchGrains) {
          flush(batch, h, out, src);
        }
        continue;
      }
      int type = ByteBuffer.wrap(src.readFully(4, "the marker type")).order(ByteOrder.LITTLE_ENDIAN).getInt();
      src.skipTo(at + 512, "the marker's end");
      if (type == MARKER_EOS) {
        checkComplete(src, at, seen, listed[0], footerSeen);
        break;
      }
      if (type == MARKER_GT || type == MARKER_GD) {
        if (value < 0 || value > h.capacitySectors() + 1) {
          throw src.malformed(at, "metadata marker of " + Long.toUnsignedString(value) + " sectors is larger "
              + "than the disk");
        }
        src.skipTo(at + 512 + value * 512, "the grain table or directory");
      } else if (type == MARKER_FOOTER) {
        long footerAt = src.position();
        VmdkHeader f = VmdkHeader.parse(src.readFully(VmdkHeader.SIZE, "the footer"), footerAt, src);
        if (f.capacitySectors() != h.capacitySectors() || f.grainSectors() != h.grainSectors()) {
          throw src.malformed(footerAt, "footer disagrees with the header on the disk or grain size");
        }
        footerSeen = true;
      } else {
        throw src.malformed(at + 12, "unknown marker type " + Integer.toUnsignedString(type));
      }
    }
    flush(batch, h, out, src);
    writePending(h, out);
    return h.capacityBytes();
  }

  /**
   * At the end of the stream: every grain the tables in the metadata area listed must have come (qemu-img's
   * layout), or else the footer must have (vSphere's), or the image was cut short.
   */
  private static void checkComplete(HashingSource src, long at, long seen, long listed, boolean footerSeen)
      throws MalformedImageException {
    if (listed >= 0 && seen != listed) {
      throw src.malformed(at, "the image ends after " + seen + " of the " + listed + " grains its grain tables "
          + "list; it was cut short");
    }
    if (listed < 0 && !footerSeen) {
      throw src.malformed(at, "the stream ends without the footer that follows the grain directory; it was cut "
          + "short");
    }
  }

  private void flush(List<Grain> batch, VmdkHeader h, Qcow2Writer out, HashingSource src) throws IOException,
      InterruptedException {
    if (batch.isEmpty()) {
      return;
    }
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    List<Workers.Job<byte[]>> jobs = new ArrayList<>(batch.size());
    for (Grain g : batch) {
      jobs.add(() -> inflate(g, (int) h.grainBytes(), src));
    }
    // One batch inflates while the next is read: the previous batch is written only once this one is submitted.
    Workers.Pending<byte[]> submitted = workers.submit(jobs);
    List<Grain> grains = List.copyOf(batch);
    batch.clear();
    writePending(h, out);
    inflating = submitted;
    inflatingGrains = grains;
  }

  /** Waits for the batch being inflated, if any, and hands its grains to the writer in disk order. */
  private void writePending(VmdkHeader h, Qcow2Writer out) throws IOException, InterruptedException {
    if (inflating == null) {
      return;
    }
    List<byte[]> inflated = inflating.await();
    for (int i = 0; i < inflatingGrains.size(); i++) {
      long offset = inflatingGrains.get(i).lba() * 512;
      byte[] g = inflated.get(i);
      out.write(offset, g, 0, (int) Math.min(g.length, h.capacityBytes() - offset));
    }
    inflating = null;
    inflatingGrains = null;
  }

  private static byte[] inflate(Grain g, int grainBytes, HashingSource src) throws MalformedImageException {
    Inflater inf = new Inflater();
    try {
      inf.setInput(g.compressed());
      byte[] out = new byte[grainBytes];
      int n = 0;
      while (n < grainBytes && !inf.finished()) {
        int r = inf.inflate(out, n, grainBytes - n);
        if (r == 0 && (inf.needsInput() || inf.needsDictionary())) {
          throw src.malformed(g.markerAt() + 12, "compressed grain for sector " + g.lba()
              + " ends before its deflate stream does");
        }
        n += r;
      }
      if (!inf.finished()) {
        byte[] probe = new byte[1];
        if (inf.inflate(probe) > 0 || !inf.finished()) {
          throw src.malformed(g.markerAt() + 12, "compressed grain for sector " + g.lba()
              + " inflates to more than the " + grainBytes + "-byte grain");
        }
      }
      return out;
    } catch (DataFormatException e) {
      throw src.malformed(g.markerAt() + 12, "compressed grain for sector " + g.lba() + " does not inflate ("
          + e.getMessage() + ")");
    } finally {
      inf.end();
    }
  }

  private static long roundUp(long offset) {
    return (offset + 511) & -512L;
  }
}
