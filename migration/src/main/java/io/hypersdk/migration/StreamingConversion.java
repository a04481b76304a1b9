package io.hypersdk.migration;

import io.hypersdk.diskimage.NativeConverter;
import io.hypersdk.diskimage.SourceFormat;
import io.hypersdk.io.AtomicFiles;
import io.hypersdk.io.SequentialFileWriter;
import io.hypersdk.providers.DiskSink;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ovf.HashingCopy;
import io.hypersdk.queue.QueueLayout;
import io.hypersdk.queue.StreamedDisks;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The disk sink of a streaming export: a streamOptimized VMDK stream goes straight into the native converter,
 * which writes the qcow2 into a folder that becomes the job's staging folder once the job id is known; with
 * {@code keepSource} the VMDK is written too, from the same bytes. Other formats are written as files and
 * converted later as usual. Until {@link #handOver} nothing of it is visible to the converter.
 */
final class StreamingConversion implements DiskSink {
  private final Path folder;
  private final boolean keepSource;
  /** Keyed by source path: a retried download replaces its disk's entry. */
  private final Map<String, StreamedDisks.Entry> entries = new LinkedHashMap<>();

  private StreamingConversion(Path folder, boolean keepSource) {
    this.folder = folder;
    this.keepSource = keepSource;
  }

  /** A sink that converts into a new folder under {@code outputDir}'s work folder. */
  static StreamingConversion in(Path outputDir, boolean keepSource) throws IOException {
    Path work = Files.createDirectories(QueueLayout.workDir(outputDir.toAbsolutePath().normalize()));
    return new StreamingConversion(Files.createTempDirectory(work, "stream-"), keepSource);
  }

  @Override
  public HashingCopy.Copied write(InputStream in, long limit, String format, Path target, ExportProgress progress)
      throws IOException {
    if (!"vmdk".equals(format)) {
      return DiskSink.FILES.write(in, limit, format, target, progress);
    }
    String qcow2 = target.getFileName() + ".qcow2";
    Path source = keepSource ? AtomicFiles.tempSibling(target) : null;
    try (Tee tee = new Tee(in, limit, source, progress)) {
      NativeConverter.Result r = NativeConverter.defaults().convert(tee, SourceFormat.VMDK_STREAM_OPTIMIZED, limit,
          folder.resolve(qcow2));
      long rest = tee.drain();
      if (rest > 0) {
        throw new IOException("the VMDK stream for " + target.getFileName() + " goes on for " + rest
            + " bytes after its end-of-stream marker");
      }
      if (limit >= 0 && tee.count() != limit) {
        throw new IOException("unexpected end of data: got " + tee.count() + " of " + limit + " bytes for "
            + target.getFileName());
      }
      if (source != null) {
        tee.finish();
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
      synchronized (entries) {
        entries.put(target.toString(), new StreamedDisks.Entry(target.toString(), format, r.sourceBytes(),
            r.sourceSha256(), r.virtualSize(), qcow2, r.outputBytes(), r.outputSha256(), "native"));
      }
      return new HashingCopy.Copied(target, r.sourceBytes(), r.sourceSha256());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("export interrupted");
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(folder.resolve(qcow2));
      throw e;
    } finally {
      if (source != null) {
        Files.deleteIfExists(source);
      }
    }
  }

  /** The sources that were streamed into qcow2 disks. */
  int streamedDisks() {
    synchronized (entries) {
      return entries.size();
    }
  }

  /**
   * Records what was converted and moves the folder to {@code stagingDir}, where the converter of the job
   * finds it. The record is written last inside the folder, so a half-moved folder never looks complete.
   */
  void handOver(Path stagingDir) throws IOException {
    synchronized (entries) {
      new StreamedDisks(new ArrayList<>(entries.values())).write(folder);
    }
    Files.move(folder, stagingDir, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Removes the folder and what was converted into it: the export failed, or its disks go elsewhere. */
  void discard() {
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(folder.getParent());
    } catch (IOException ignored) {
      // Another job stages in the work folder, or a leftover there is removed with its output folder.
    }
  }

  /**
   * Passes the stream on to the converter, counting it, reporting progress and, when asked, writing the
   * same bytes to the source file: one read of the network stream serves both.
   */
  private static final class Tee extends FilterInputStream {
    private final long limit;
    private final SequentialFileWriter copy;
    private final ExportProgress progress;
    private long count;

    Tee(InputStream in, long limit, Path copyTo, ExportProgress progress) throws IOException {
      super(in);
      this.limit = limit;
      this.copy = copyTo == null ? null : SequentialFileWriter.create(copyTo);
      this.progress = progress;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (limit >= 0 && count >= limit) {
        return -1;
      }
      int want = limit < 0 ? len : (int) Math.min(len, limit - count);
      int n = in.read(b, off, want);
      if (n <= 0) {
        return n;
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("export interrupted");
      }
      if (copy != null) {
        copy.write(b, off, n);
      }
      count += n;
      progress.advance(n);
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // Skipped bytes still belong in the kept source, so they are read.
      byte[] buf = new byte[(int) Math.min(n, 1 << 16)];
      int got = read(buf, 0, buf.length);
      return Math.max(got, 0);
    }

    /** Reads what the converter left unread; returns how many bytes that was. */
    long drain() throws IOException {
      byte[] buf = new byte[1 << 16];
      long rest = 0;
      for (int n; (n = read(buf, 0, buf.length)) >= 0; ) {
        rest += n;
      }
      return rest;
    }

    long count() {
      return count;
    }

    /** Makes the kept source durable before it gets its final name. */
    void finish() throws IOException {
      copy.finish();
    }

    @Override
    public void close() throws IOException {
      // The download owns the network stream; only the copy is closed here.
      if (copy != null) {
        copy.close();
      }
    }
  }
}
