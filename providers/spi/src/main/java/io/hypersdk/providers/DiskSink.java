package io.hypersdk.providers;

import io.hypersdk.providers.ovf.HashingCopy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Where a provider whose download is a stream hands each disk. By default the disk becomes a file; the
 * pipeline may give a sink that converts the stream while it arrives (streaming export), so the disk is read
 * once. Either way the result names the source file (kept or not) and the SHA-256 of the stream.
 */
public interface DiskSink {
  /** Writes every disk to its file, hashing it on the way. */
  DiskSink FILES = (in, limit, format, target, progress) -> HashingCopy.copy(in, limit, target, progress);

  /**
   * Consumes one disk's stream: {@code limit} bytes when not negative, else up to its end. {@code format} is the
   * stream's format as the manifest names it ({@code vmdk} is streamOptimized); {@code target} is the file the
   * disk is known by. Nothing appears under a final name unless the whole stream arrived; a retry may call this
   * again for the same target.
   */
  HashingCopy.Copied write(InputStream in, long limit, String format, Path target, ExportProgress progress)
      throws IOException;
}
