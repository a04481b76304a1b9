package io.hypersdk.providers.download;

import io.hypersdk.io.AtomicFiles;
import io.hypersdk.io.Sha256;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ProviderException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Downloads one disk as a set of ranges read in parallel by a provider's {@link RangeReader} into a sparse file.
 * Ranges are fetched in parallel but written in file order, so the file's SHA-256 (and an optional
 * {@link InOrder} observer, e.g. a whole-object CRC32C) sees every byte in order; bytes no range covers are holes.
 * Each range is retried {@value #ATTEMPTS} times with backoff (200 ms, doubling) and checked against the
 * platform's checksum when the reader gives one. The file is written as {@code TARGET.part} with a
 * {@link RangeJournal} of the flushed ranges and renamed when complete; a failed or interrupted run (Ctrl-C
 * interrupts the calling thread) flushes data and journal and rethrows, and a run again resumes from the ranges
 * still verified. Nothing gets the final name unless complete.
 *
 * <p>How the providers use it:
 * <ul>
 *   <li>AWS EBS: sparse 512 KiB blocks, {@code journal("ebs-blocks", blockSize)}; the reader compares EBS's
 *       checksum header with {@link RangeReader.Earlier#holds} and answers {@link RangeReader.Chunk#unchanged()}
 *       without reading the body.
 *   <li>Azure page blob: page ranges split into &lt;= 4 MiB, {@code checksum(RangeChecksum.MD5_BASE64, "Azure")}
 *       and the Content-MD5 as the chunk's checksum when sent; an expired SAS is a {@link RetryableReadException}
 *       after the reader renewed it.
 *   <li>GCP Cloud Storage: one dense object in ranges, {@code source("generation N")} pins the content so the reader
 *       reuses with {@link RangeReader.Earlier#intact}; {@code observer(crc32c::update)} sees the file in order.
 *   <li>Hyper-V SFTP or WinRM: one dense file in ranges, no checksums from the host, so the journal records
 *       {@code RangeChecksum.CRC32C_BASE64}; {@code skipZeroRanges(true)} keeps zeros as holes.
 * </ul>
 * The journal ({@code TARGET.blocks}) stays beside the finished file; the caller deletes it
 * ({@link RangeJournal#fileOf}) once the whole export succeeded, so a later failure can still resume.
 */
public final class RangedDownload {
  /** Attempts per range before the download fails. */
  public static final int ATTEMPTS = 4;
  private static final long FIRST_BACKOFF_MS = 200;
  /** Data written between two flushes of the file and its journal. */
  private static final long JOURNAL_EVERY_BYTES = 32L << 20;
  /**
   * Largest single write. A whole range in one write (4-8 MiB) cost the in-order thread several CPU seconds per GiB
   * on this machine class; in 64 KiB pieces every ranged export got faster in the same runs (bench/README.md,
   * "Write size in the shared downloader").
   */
  private static final int WRITE_SLICE = 64 << 10;
  /** Read-only zeros for holes and the all-zero test; never handed to code that writes into it. */
  private static final byte[] ZEROS = new byte[1 << 20];
  private final Builder b;

  /** Sees every byte of the file in order, holes as zeros; called from the downloading thread. */
  @FunctionalInterface
  public interface InOrder {
    void update(byte[] data, int offset, int length);
  }

  private RangedDownload(Builder b) {
    this.b = b;
  }

  /** A download of {@code size} bytes read by {@code reader} on {@code pool}. */
  public static Builder builder(ExecutorService pool, RangeReader reader, long size) {
    return new Builder(pool, reader, size);
  }

  /** The settings of one download; only the pool, the reader, the size and the ranges are required. */
  public static final class Builder {
    private final ExecutorService pool;
    private final RangeReader reader;
    private final long size;
    private List<DiskRange> ranges = List.of();
    private int window = 8;
    private ExportProgress progress = ExportProgress.NONE;
    private RangeChecksum checksum = RangeChecksum.SHA256_BASE64;
    private String platform = "the source";
    private String journalKind = "ranges";
    private long unit = 1;
    private String source = "";
    private Function<DiskRange, String> describe = r -> "bytes " + r.offset() + "-" + (r.end() - 1);
    private InOrder observer;
    private boolean skipZeroRanges;

    private Builder(ExecutorService pool, RangeReader reader, long size) {
      this.pool = Objects.requireNonNull(pool);
      this.reader = Objects.requireNonNull(reader);
      this.size = size;
    }

    /** The ranges that hold data, in any order, not overlapping, within the size; the rest of the file is a hole. */
    public Builder ranges(List<DiskRange> ranges) {
      this.ranges = List.copyOf(ranges);
      return this;
    }

    /** How many reads run at once (the pool should have as many threads); twice as many are queued. */
    public Builder parallel(int parallel) {
      this.window = Math.max(1, parallel) * 2;
      return this;
    }

    /** Advanced by each range's length as it is written (reused ranges too). */
    public Builder progress(ExportProgress progress) {
      this.progress = progress;
      return this;
    }

    /** The platform's per-range checksum and the platform's name for messages (default SHA-256, base64). */
    public Builder checksum(RangeChecksum checksum, String platform) {
      this.checksum = checksum;
      this.platform = platform;
      return this;
    }

    /** The journal's kind (its header) and the unit its offsets are written in (every range starts on one). */
    public Builder journal(String kind, long unit) {
      this.journalKind = kind;
      this.unit = unit;
      return this;
    }

    /** What identifies the source's content (an object generation, a file's size and time): a journal of another is not reused. */
    public Builder source(String source) {
      this.source = source;
      return this;
    }

    /** How a range is named in a failure, e.g. "block 4 of snap-1". */
    public Builder describe(Function<DiskRange, String> describe) {
      this.describe = describe;
      return this;
    }

    /** Also shows every byte of the file, in order, to {@code observer}. */
    public Builder observer(InOrder observer) {
      this.observer = observer;
      return this;
    }

    /** Leaves ranges that read as all zeros unwritten, so they stay holes (dense sources without a range list). */
    public Builder skipZeroRanges(boolean skip) {
      this.skipZeroRanges = skip;
      return this;
    }

    public RangedDownload build() {
      List<DiskRange> sorted = new ArrayList<>(ranges);
      sorted.sort(Comparator.comparingLong(DiskRange::offset));
      long end = 0;
      for (DiskRange r : sorted) {
        if (r.offset() < end || r.end() > size || r.offset() % unit != 0) {
          throw new IllegalArgumentException("range " + r + " overlaps another, ends past " + size
              + " or does not start on a multiple of " + unit);
        }
        end = r.end();
      }
      ranges = List.copyOf(sorted);
      return new RangedDownload(this);
    }
  }

  /** The bytes the ranges hold, which is what progress advances by. */
  public long dataBytes() {
    return b.ranges.stream().mapToLong(DiskRange::length).sum();
  }

  /**
   * Writes the disk to {@code target} through {@code TARGET.part}, renamed when complete. A failed or interrupted
   * run leaves the part file with its {@link RangeJournal}; run again, the ranges it holds are offered to the reader
   * as {@link RangeReader.Earlier} and fetched again unless the reader reuses them.
   */
  public Downloaded to(Path target) throws ProviderException, InterruptedException {
    Path part = target.resolveSibling(target.getFileName() + ".part");
    Path previous = target.resolveSibling(target.getFileName() + ".resume");
    boolean complete = false;
    try {
      keepForResume(part, previous);
      // A file a failed run of the same export finished is checked again like a partial one.
      keepForResume(target, previous);
      Downloaded d = write(part, target, RangeJournal.load(previous, header(), b.unit), previous);
      complete = true;
      return d;
    } catch (IOException e) {
      throw new ProviderException(ProviderException.Kind.EXPORT_FAILED, "cannot write " + part + ": "
          + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(previous);
        Files.deleteIfExists(RangeJournal.fileOf(previous));
        if (!complete && !Files.exists(RangeJournal.fileOf(part))) {
          Files.deleteIfExists(part);
        }
      } catch (IOException ignored) {
        // A leftover .part or .resume is never mistaken for a disk; the next run replaces it.
      }
    }
  }

  private String header() {
    return "hypersdk-" + b.journalKind + " v1 " + b.unit + " " + b.size + (b.source.isEmpty() ? "" : " " + b.source);
  }

  /** Moves {@code disk} and its journal aside as the ranges a new run may reuse, if it has a journal. */
  private static void keepForResume(Path disk, Path previous) throws IOException {
    if (Files.isRegularFile(disk) && Files.isRegularFile(RangeJournal.fileOf(disk)) && !Files.exists(previous)) {
      AtomicFiles.move(disk, previous);
      AtomicFiles.move(RangeJournal.fileOf(disk), RangeJournal.fileOf(previous));
    }
  }

  private Downloaded write(Path part, Path target, RangeJournal earlier, Path previous)
      throws ProviderException, InterruptedException, IOException {
    MessageDigest sha = Sha256.newDigest();
    Deque<Future<Fetched>> inFlight = new ArrayDeque<>();
    RangeJournal journal = RangeJournal.load(part, header(), b.unit);
    journal.delete();
    int reused = 0;
    // Written through RandomAccessFile, not a FileChannel: an interrupt (Ctrl-C) that lands during a write would
    // close a channel, and with it the flush that keeps the written ranges for a run again.
    try (RandomAccessFile out = new RandomAccessFile(part.toFile(), "rw");
        FileChannel old = earlier.size() == 0 ? null : FileChannel.open(previous, StandardOpenOption.READ)) {
      out.setLength(0);
      long written = 0;
      long unflushed = 0;
      int next = 0;
      List<DiskRange> ranges = b.ranges;
      try {
        for (int done = 0; done < ranges.size(); done++) {
          while (next < ranges.size() && inFlight.size() < b.window) {
            DiskRange r = ranges.get(next++);
            String known = earlier.checksum(r);
            inFlight.add(b.pool.submit(() -> fetch(r, known, old)));
          }
          Fetched f = await(inFlight.poll());
          DiskRange r = ranges.get(done);
          written = skipHole(sha, written, r.offset());
          sha.update(f.data());
          if (b.observer != null) {
            b.observer.update(f.data(), 0, f.data().length);
          }
          if (!(b.skipZeroRanges && allZero(f.data()))) {
            out.seek(r.offset());
            for (int at = 0; at < f.data().length; at += WRITE_SLICE) {
              out.write(f.data(), at, Math.min(WRITE_SLICE, f.data().length - at));
            }
          }
          written = r.end();
          journal.add(r, f.checksum());
          reused += f.reused() ? 1 : 0;
          unflushed += r.length();
          if (unflushed >= JOURNAL_EVERY_BYTES) {
            out.getFD().sync();
            journal.save();
            unflushed = 0;
          }
          b.progress.advance(r.length());
        }
      } catch (ProviderException | InterruptedException | RuntimeException e) {
        // What is on disk and flushed is kept, for a run of the same export to resume from.
        boolean interrupted = Thread.interrupted();
        try {
          out.getFD().sync();
          journal.save();
        } catch (IOException ignored) {
          // Without a journal the next run starts this disk over.
        } finally {
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
        }
        throw e;
      } finally {
        inFlight.forEach(f -> f.cancel(true));
      }
      skipHole(sha, written, b.size);
      // Extending leaves the tail a hole, as the bytes no range covers.
      out.setLength(b.size);
      out.getFD().sync();
    }
    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    // Kept beside the finished file until the whole export succeeds: another disk may still fail.
    journal.save();
    journal.renameTo(target);
    return new Downloaded(target, b.size, Sha256.format(sha), reused);
  }

  /** Hashes (and observes) the zeros between {@code from} and {@code to}, which stay a hole in the file. */
  private long skipHole(MessageDigest sha, long from, long to) {
    for (long left = to - from; left > 0; left -= ZEROS.length) {
      int n = (int) Math.min(left, ZEROS.length);
      sha.update(ZEROS, 0, n);
      if (b.observer != null) {
        b.observer.update(ZEROS, 0, n);
      }
    }
    return Math.max(from, to);
  }

  private static boolean allZero(byte[] data) {
    for (int at = 0; at < data.length; at += ZEROS.length) {
      int n = Math.min(ZEROS.length, data.length - at);
      if (Arrays.mismatch(data, at, at + n, ZEROS, 0, n) >= 0) {
        return false;
      }
    }
    return true;
  }

  /** A range's bytes, the checksum recorded for them, and whether they were reused from an earlier run. */
  private record Fetched(byte[] data, String checksum, boolean reused) {}

  /**
   * One range, checked against the platform's checksum when the reader gives one; retried with backoff, then the
   * download fails.
   */
  private Fetched fetch(DiskRange r, String known, FileChannel old) throws ProviderException, InterruptedException {
    String problem = null;
    ProviderException.Kind kind = ProviderException.Kind.EXPORT_FAILED;
    long backoff = FIRST_BACKOFF_MS;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        EarlierRange earlier = new EarlierRange(r, known, old);
        RangeReader.Chunk c = b.reader.read(r, earlier);
        if (c.isUnchanged()) {
          if (earlier.verified == null) {
            throw new IllegalStateException("the reader reused " + b.describe.apply(r) + " that was not verified");
          }
          return new Fetched(earlier.verified, known, true);
        }
        String actual = b.checksum.of().apply(c.data());
        if (c.data().length != r.length()) {
          problem = b.platform + " sent " + c.data().length + " of its " + r.length() + " bytes";
        } else if (c.checksum() == null || c.checksum().equals(actual)) {
          return new Fetched(c.data(), actual, false);
        } else {
          problem = "its " + b.checksum.name() + " " + actual + " does not match the checksum " + b.platform
              + " sent (" + c.checksum() + ")";
        }
        kind = ProviderException.Kind.EXPORT_FAILED;
      } catch (RetryableReadException e) {
        problem = e.getMessage();
        kind = e.kind();
      }
      if (attempt < ATTEMPTS) {
        Thread.sleep(backoff);
        backoff *= 2;
      }
    }
    throw new ProviderException(kind, b.describe.apply(r) + " failed " + ATTEMPTS + " times: " + problem);
  }

  /** An earlier run's range, read from its file only when the reader asks. */
  private final class EarlierRange implements RangeReader.Earlier {
    private final DiskRange range;
    private final String recorded;
    private final FileChannel old;
    private byte[] verified;

    EarlierRange(DiskRange range, String recorded, FileChannel old) {
      this.range = range;
      this.recorded = recorded;
      this.old = old;
    }

    @Override
    public boolean holds(String checksum) {
      if (recorded == null || old == null || !recorded.equals(checksum)) {
        return false;
      }
      byte[] local = read();
      if (local != null && recorded.equals(b.checksum.of().apply(local))) {
        verified = local;
      }
      return verified != null;
    }

    @Override
    public boolean intact() {
      return holds(recorded);
    }

    /** The range's bytes in the earlier file, or null if it does not hold them all. */
    private byte[] read() {
      ByteBuffer buf = ByteBuffer.allocate((int) range.length());
      try {
        while (buf.hasRemaining()) {
          if (old.read(buf, range.offset() + buf.position()) < 0) {
            return null;
          }
        }
      } catch (IOException e) {
        return null;
      }
      return buf.array();
    }
  }

  private static Fetched await(Future<Fetched> f) throws ProviderException, InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ProviderException p) {
        throw p;
      }
      if (e.getCause() instanceof InterruptedException i) {
        throw i;
      }
      throw new ProviderException(ProviderException.Kind.EXPORT_FAILED, "reading a range failed: "
          + e.getCause(), e.getCause());
    }
  }
}
