package io.hypersdk.diskimage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import io.hypersdk.io.Sha256;
import java.util.function.DoubleConsumer;

/**
 * Converts VMDK (streamOptimized, monolithicSparse), raw and fixed VHD into qcow2 in one pass over the source,
 * hashing the source bytes as they are read and the qcow2 bytes as they are written. Grain inflate and cluster
 * compression run on {@code threads} workers in order-preserving batches, so memory stays bounded whatever the
 * disk size.
 */
public final class NativeConverter {
  private final int threads;
  private final boolean compress;
  private final DoubleConsumer progress;

  private NativeConverter(Builder b) {
    this.threads = b.threads;
    this.compress = b.compress;
    this.progress = b.progress;
  }

  /** A converter with default settings: one worker per core, no compression, no progress reports. */
  public static NativeConverter defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** What one conversion read and wrote. Digests are {@code sha256:<hex>}. */
  public record Result(long virtualSize, long sourceBytes, String sourceSha256, long outputBytes,
      String outputSha256) {}

  /**
   * Converts a file. It is read once, front to back (for a fixed VHD the 512-byte footer is read first as
   * well, to learn the disk's true size). The output is written under a temporary name beside
   * {@code outputQcow2} and renamed when complete; on any failure nothing is left there.
   */
  public Result convert(Path source, SourceFormat format, Path outputQcow2) throws IOException,
      InterruptedException {
    long length = Files.size(source);
    long sizeFromFooter = format == SourceFormat.VHD_FIXED ? FixedVhdFooter.currentSize(source, length) : -1;
    StreamOptimizedReader.Listed listed = format == SourceFormat.VMDK_STREAM_OPTIMIZED
        ? StreamOptimizedReader.listedAtEnd(source) : null;
    try (InputStream in = Files.newInputStream(source)) {
      return run(in, format, length, sizeFromFooter, listed, outputQcow2);
    }
  }

  /**
   * Converts a stream read once from start to end ({@code sourceLength} bytes, or -1 if unknown), such as a
   * vSphere NFC download; the bytes after the image's end (if any) are read and hashed too. The caller owns
   * and closes {@code source}. On any failure nothing is left under {@code outputQcow2}. The output's SHA-256 is
   * computed while writing when the layout is known before the first grain (VMDK whose tables precede the
   * grains); for a stream whose grain directory comes last (vSphere's) and for raw and VHD, the header is
   * written last and the new file is read once to hash it.
   */
  public Result convert(InputStream source, SourceFormat format, long sourceLength, Path outputQcow2)
      throws IOException, InterruptedException {
    return run(source, format, sourceLength, -1, null, outputQcow2);
  }

  private Result run(InputStream in, SourceFormat format, long length, long sizeFromFooter,
      StreamOptimizedReader.Listed listed, Path output)
      throws IOException, InterruptedException {
    Path dir = output.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(dir, "." + output.getFileName(), ".part");
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "diskimage-worker");
      t.setDaemon(true);
      return t;
    });
    boolean done = false;
    try {
      Workers workers = new Workers(pool);
      HashingSource src = new HashingSource(in, format, length, progress);
      long virtualSize;
      long outputBytes;
      String outputSha;
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        Qcow2Writer writer = new Qcow2Writer(ch, workers, compress, threads);
        virtualSize = reader(format, workers, sizeFromFooter, listed).read(src, writer);
        src.drain();
        if (length >= 0 && src.position() != length) {
          throw src.malformed(src.position(), "the image ends here, but " + length + " bytes were announced");
        }
        outputBytes = writer.finish(virtualSize);
        outputSha = writer.outputSha256();
        ch.force(true);
      }
      if (outputSha == null) {
        // Appending layout: the header was written last, at offset 0, so the output could not be hashed on the
        // way out. Hash it now, while it is still in the page cache.
        outputSha = Sha256.ofFile(temp);
      }
      Files.move(temp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      done = true;
      progress.accept(1.0);
      return new Result(virtualSize, src.position(), src.sha256(), outputBytes, outputSha);
    } finally {
      pool.shutdownNow();
      if (!done) {
        Files.deleteIfExists(temp);
      }
    }
  }

  private ImageReader reader(SourceFormat format, Workers workers, long sizeFromFooter,
      StreamOptimizedReader.Listed listed) {
    return switch (format) {
      case VMDK_STREAM_OPTIMIZED -> new StreamOptimizedReader(workers, threads, listed);
      case VMDK_MONOLITHIC_SPARSE -> new MonolithicSparseReader();
      case RAW -> new FixedVhdReader(false, -1);
      case VHD_FIXED -> new FixedVhdReader(true, sizeFromFooter);
    };
  }

  /** Settings for a {@link NativeConverter}. */
  public static final class Builder {
    private int threads = Runtime.getRuntime().availableProcessors();
    private boolean compress;
    private DoubleConsumer progress = f -> { };

    /** Workers that inflate grains and compress clusters (default: the number of cores). */
    public Builder threads(int v) {
      if (v < 1) {
        throw new IllegalArgumentException("threads must be at least 1, got " + v);
      }
      this.threads = v;
      return this;
    }

    /** Deflate-compress each qcow2 cluster (qemu-img convert -c). */
    public Builder compress(boolean v) {
      this.compress = v;
      return this;
    }

    /** Told the fraction of the source read so far (0 to 1), when the source length is known. */
    public Builder progress(DoubleConsumer v) {
      this.progress = v;
      return this;
    }

    public NativeConverter build() {
      return new NativeConverter(this);
    }
  }
}
