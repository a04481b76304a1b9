package io.hypersdk.diskimage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
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
   * Converts a file that can be read at any position. The output is written under {@code outputQcow2}; on any
   * failure nothing is left there.
   */
  public Result convert(Path source, SourceFormat format, Path outputQcow2) throws IOException,
      InterruptedException {
    throw new UnsupportedOperationException("not yet");
  }

  /**
   * Converts a stream read once from start to end ({@code sourceLength} bytes, or -1 if unknown), such as a
   * vSphere NFC download. The caller owns and closes {@code source}. On any failure nothing is left under
   * {@code outputQcow2}.
   */
  public Result convert(InputStream source, SourceFormat format, long sourceLength, Path outputQcow2)
      throws IOException, InterruptedException {
    throw new UnsupportedOperationException("not yet");
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
