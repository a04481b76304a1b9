package io.hypersdk.providers.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.io.Sha256;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ProviderException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared downloader over a real source file read by an in-test {@link RangeReader}. */
class RangedDownloadTest {
  static final int CHUNK = 64 * 1024;
  static final long SIZE = 2L << 20;
  /** Out of file order on purpose; the gaps between them (and the tail) are holes. */
  static final List<DiskRange> RANGES = List.of(new DiskRange(5L * CHUNK, CHUNK), new DiskRange(0, CHUNK),
      new DiskRange(CHUNK, CHUNK), new DiskRange(9L * CHUNK, 2 * CHUNK), new DiskRange(20L * CHUNK, CHUNK));

  @TempDir
  Path tmp;
  ExecutorService pool = Executors.newFixedThreadPool(3);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** Reads the source file like a platform that sends each range's SHA-256 before the body, as EBS does. */
  final class FileReader implements RangeReader {
    final Path source;
    final Map<Long, AtomicInteger> bodies = new ConcurrentHashMap<>();
    final Map<Long, AtomicInteger> calls = new ConcurrentHashMap<>();
    /** Range offset to the failure its next reads throw (a retryable or a fatal one), for that many reads. */
    final Map<Long, Exception> failures = new ConcurrentHashMap<>();
    final Map<Long, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();

    FileReader(Path source) {
      this.source = source;
    }

    @Override
    public Chunk read(DiskRange range, Earlier earlier) throws ProviderException, RetryableReadException {
      calls.computeIfAbsent(range.offset(), o -> new AtomicInteger()).incrementAndGet();
      AtomicInteger left = failuresLeft.get(range.offset());
      if (left != null && left.getAndDecrement() > 0) {
        Exception e = failures.get(range.offset());
        if (e instanceof RetryableReadException r) {
          throw r;
        }
        throw (ProviderException) e;
      }
      byte[] data = bytes(source, range);
      String header = RangeChecksum.SHA256_BASE64.of().apply(data);
      if (earlier.holds(header)) {
        return Chunk.unchanged();
      }
      bodies.computeIfAbsent(range.offset(), o -> new AtomicInteger()).incrementAndGet();
      return new Chunk(data, header);
    }

    void fail(long offset, Exception e, int times) {
      failures.put(offset, e);
      failuresLeft.put(offset, new AtomicInteger(times));
    }

    int bodies(long offset) {
      return bodies.getOrDefault(offset, new AtomicInteger()).get();
    }

    int calls(long offset) {
      return calls.getOrDefault(offset, new AtomicInteger()).get();
    }
  }

  @Test
  void outOfOrderRangesLandInPlaceWithHolesBetweenAndTheFileIsHashedAndObservedInOrder() throws Exception {
    Path source = source();
    FileReader reader = new FileReader(source);
    CRC32C crc = new CRC32C();
    AtomicLong progressed = new AtomicLong();
    RangedDownload download = RangedDownload.builder(pool, reader, SIZE).ranges(RANGES).parallel(3)
        .progress(new ExportProgress() {
          @Override
          public void advance(long bytes) {
            progressed.addAndGet(bytes);
          }
        }).observer(crc::update).build();

    Downloaded d = download.to(tmp.resolve("disk.raw"));

    assertThat(Files.mismatch(d.path(), source)).isEqualTo(-1L);
    assertThat(d.bytes()).isEqualTo(SIZE).isEqualTo(Files.size(d.path()));
    assertThat(d.sha256()).isEqualTo(Sha256.ofFile(source));
    assertThat(d.reusedRanges()).isZero();
    CRC32C want = new CRC32C();
    want.update(Files.readAllBytes(source));
    assertThat(crc.getValue()).as("the observer saw every byte in order, holes as zeros").isEqualTo(want.getValue());
    assertThat(progressed.get()).isEqualTo(download.dataBytes()).isEqualTo(6L * CHUNK);
    assertThat(allocatedBytes(d.path())).as("holes take no space").isLessThan(SIZE / 2);
    assertThat(names()).as("only the journal beside the disk, for the caller to delete once the export succeeds")
        .containsExactlyInAnyOrder("source", "disk.raw", "disk.raw.blocks");
  }

  @Test
  void aRetryableFailureIsRetriedAndAFatalOneFailsAtOnceWithoutAFinalName() throws Exception {
    FileReader reader = new FileReader(source());
    reader.fail(CHUNK, new RetryableReadException(ProviderException.Kind.NETWORK, "connection reset", null), 2);
    Downloaded d = RangedDownload.builder(pool, reader, SIZE).ranges(RANGES).build().to(tmp.resolve("disk.raw"));
    assertThat(reader.calls(CHUNK)).as("two failures, then the read that worked").isEqualTo(3);
    assertThat(d.sha256()).isEqualTo(Sha256.ofFile(tmp.resolve("source")));

    reader.fail(9L * CHUNK, new ProviderException(ProviderException.Kind.PERMISSION, "not allowed to read"), 1);
    assertThatThrownBy(() -> RangedDownload.builder(pool, reader, SIZE).ranges(RANGES).build()
        .to(tmp.resolve("other.raw"))).isInstanceOf(ProviderException.class).hasMessage("not allowed to read")
        .extracting(e -> ((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.PERMISSION);
    assertThat(reader.calls(9L * CHUNK)).as("a fatal failure is not retried").isEqualTo(2);
    assertThat(tmp.resolve("other.raw")).doesNotExist();

    reader.fail(20L * CHUNK, new RetryableReadException(ProviderException.Kind.NETWORK, "connection reset", null),
        RangedDownload.ATTEMPTS);
    assertThatThrownBy(() -> RangedDownload.builder(pool, reader, SIZE).ranges(RANGES)
        .describe(r -> "chunk " + r.offset() / CHUNK).build().to(tmp.resolve("third.raw")))
        .hasMessage("chunk 20 failed 4 times: connection reset")
        .extracting(e -> ((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.NETWORK);
    assertThat(tmp.resolve("third.raw")).doesNotExist();
    assertThat(tmp.resolve("third.raw.part")).as("kept with its journal to resume from").exists();
  }

  @Test
  void aChecksumThatNeverMatchesFailsTheRangeAfterEveryAttempt() throws Exception {
    RangeReader lying = (range, earlier) -> new RangeReader.Chunk(new byte[(int) range.length()], "AAAA");
    assertThatThrownBy(() -> RangedDownload.builder(pool, lying, SIZE).ranges(List.of(new DiskRange(0, CHUNK)))
        .checksum(RangeChecksum.MD5_BASE64, "Azure").build().to(tmp.resolve("disk.raw")))
        .isInstanceOf(ProviderException.class)
        .hasMessage("bytes 0-65535 failed 4 times: its MD5 " + RangeChecksum.MD5_BASE64.of().apply(new byte[CHUNK])
            + " does not match the checksum Azure sent (AAAA)");
    assertThat(tmp.resolve("disk.raw")).doesNotExist();
  }

  @Test
  void aSecondRunReusesTheVerifiedRangesAndReadsTheChangedAndDamagedOnesAgain() throws Exception {
    Path source = source();
    FileReader reader = new FileReader(source);
    reader.fail(9L * CHUNK, new ProviderException(ProviderException.Kind.EXPORT_FAILED, "gone"), 1);
    Path target = tmp.resolve("disk.raw");
    // One at a time, so the ranges before the failing one are written and journaled first.
    assertThatThrownBy(() -> RangedDownload.builder(pool, reader, SIZE).ranges(RANGES).parallel(1)
        .journal("test-ranges", CHUNK).build().to(target)).hasMessage("gone");
    Path journal = tmp.resolve("disk.raw.part.blocks");
    assertThat(Files.readAllLines(journal, StandardCharsets.UTF_8)).as("a header, then ranges 0, 1 and 5")
        .hasSize(4).first().isEqualTo("hypersdk-test-ranges v1 " + CHUNK + " " + SIZE);
    assertThat(names()).as("the journal was renamed into place, no temp file left")
        .containsExactlyInAnyOrder("source", "disk.raw.part", "disk.raw.part.blocks");
    // The source changes in range 5; range 1 is damaged on disk.
    overwrite(source, 5L * CHUNK + 10);
    overwrite(tmp.resolve("disk.raw.part"), CHUNK + 100);

    Downloaded d = RangedDownload.builder(pool, reader, SIZE).ranges(RANGES).journal("test-ranges", CHUNK).build()
        .to(target);

    assertThat(d.reusedRanges()).as("range 0 only").isEqualTo(1);
    assertThat(reader.bodies(0)).isEqualTo(1);
    assertThat(reader.bodies(CHUNK)).isEqualTo(2);
    assertThat(reader.bodies(5L * CHUNK)).isEqualTo(2);
    assertThat(Files.mismatch(target, source)).isEqualTo(-1L);
    assertThat(d.sha256()).isEqualTo(Sha256.ofFile(source));
    assertThat(names()).containsExactlyInAnyOrder("source", "disk.raw", "disk.raw.blocks");
  }

  @Test
  void aJournalOfAnotherSourceIsNotTrusted() throws Exception {
    Path source = source();
    FileReader reader = new FileReader(source);
    RangeReader pinned = (range, earlier) -> earlier.intact() ? RangeReader.Chunk.unchanged()
        : reader.read(range, earlier);
    Path target = tmp.resolve("disk.raw");
    RangedDownload.builder(pool, pinned, SIZE).ranges(RANGES).source("generation 1").build().to(target);
    Downloaded again = RangedDownload.builder(pool, pinned, SIZE).ranges(RANGES).source("generation 1").build()
        .to(target);
    assertThat(again.reusedRanges()).as("the same generation: every range reused").isEqualTo(RANGES.size());
    Downloaded other = RangedDownload.builder(pool, pinned, SIZE).ranges(RANGES).source("generation 2").build()
        .to(target);
    assertThat(other.reusedRanges()).as("another generation: nothing reused").isZero();
    assertThat(other.sha256()).isEqualTo(Sha256.ofFile(source));
  }

  @Test
  void zeroRangesOfADenseSourceStayHolesWhenAsked() throws Exception {
    Path source = source();
    FileReader reader = new FileReader(source);
    List<DiskRange> dense = new java.util.ArrayList<>();
    for (long o = 0; o < SIZE; o += CHUNK) {
      dense.add(new DiskRange(o, CHUNK));
    }
    Downloaded d = RangedDownload.builder(pool, reader, SIZE).ranges(dense).skipZeroRanges(true).build()
        .to(tmp.resolve("disk.raw"));
    assertThat(Files.mismatch(d.path(), source)).isEqualTo(-1L);
    assertThat(d.sha256()).isEqualTo(Sha256.ofFile(source));
    assertThat(allocatedBytes(d.path())).isLessThan(SIZE / 2);
  }

  @Test
  void rangesLargerThanOneWriteLandWholeAndARangeZeroButForItsLastByteIsWritten() throws Exception {
    long size = 8L << 20;
    byte[] all = new byte[(int) size];
    new Random(11).nextBytes(all);
    // 2.5 MiB to 5 MiB is zero but for its last byte; 5 MiB to 7.5 MiB is all zeros and stays a hole.
    Arrays.fill(all, 5 << 19, 15 << 19, (byte) 0);
    all[(5 << 20) - 1] = 1;
    Path source = Files.write(tmp.resolve("source"), all);
    List<DiskRange> ranges = List.of(new DiskRange(5L << 19, 5L << 19), new DiskRange(0, 5L << 19),
        new DiskRange(5L << 20, 5L << 19), new DiskRange(15L << 19, 1L << 19));

    Downloaded d = RangedDownload.builder(pool, new FileReader(source), size).ranges(ranges).skipZeroRanges(true)
        .parallel(2).build().to(tmp.resolve("disk.raw"));

    assertThat(Files.mismatch(d.path(), source)).isEqualTo(-1L);
    assertThat(d.sha256()).isEqualTo(Sha256.ofFile(source));
    assertThat(allocatedBytes(d.path())).as("only the all-zero range is a hole").isLessThan(size - (2L << 20));
  }

  @Test
  void anInterruptFlushesWhatWasWrittenAndItsJournalThenRethrows() throws Exception {
    FileReader reader = new FileReader(source());
    CountDownLatch blocked = new CountDownLatch(1);
    RangeReader stuck = (range, earlier) -> {
      if (range.offset() == 9L * CHUNK) {
        blocked.countDown();
        Thread.sleep(60_000);
      }
      return reader.read(range, earlier);
    };
    CountDownLatch written = new CountDownLatch(3);
    ExportProgress countWrites = new ExportProgress() {
      @Override
      public void advance(long bytes) {
        written.countDown();
      }
    };
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        RangedDownload.builder(pool, stuck, SIZE).ranges(RANGES).parallel(1).progress(countWrites).build()
            .to(tmp.resolve("disk.raw"));
      } catch (Throwable e) {
        thrown.set(e);
      }
    });
    t.start();
    blocked.await();
    written.await();
    t.interrupt();
    t.join(10_000);
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    assertThat(Files.readAllLines(tmp.resolve("disk.raw.part.blocks"))).as("a header, then ranges 0, 1 and 5")
        .hasSize(4);
    assertThat(tmp.resolve("disk.raw")).doesNotExist();
  }

  /** A source with data in every range (and a zero range at 1 MiB for the dense test). */
  private Path source() throws IOException {
    byte[] all = new byte[(int) SIZE];
    Random random = new Random(7);
    for (DiskRange r : RANGES) {
      byte[] data = new byte[(int) r.length()];
      random.nextBytes(data);
      System.arraycopy(data, 0, all, (int) r.offset(), data.length);
    }
    return Files.write(tmp.resolve("source"), all);
  }

  private static byte[] bytes(Path file, DiskRange range) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      byte[] data = new byte[(int) range.length()];
      f.seek(range.offset());
      f.readFully(data);
      return data;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void overwrite(Path file, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      f.write(new byte[] {42, 42, 42});
    }
  }

  private Set<String> names() throws IOException {
    try (var files = Files.list(tmp)) {
      return Set.copyOf(files.map(p -> p.getFileName().toString()).toList());
    }
  }

  private static long allocatedBytes(Path p) throws Exception {
    Process du = new ProcessBuilder("du", "--block-size=1", p.toString()).start();
    String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(du.waitFor()).isZero();
    return Long.parseLong(out.split("\\s+")[0]);
  }
}
