package io.hypersdk.providers;

/** Progress of an export in bytes; implementations must be thread-safe (disks may download in parallel). */
public interface ExportProgress {
  ExportProgress NONE = new ExportProgress() {};

  /** The export will write about {@code totalBytes}. */
  default void start(long totalBytes) {}

  /** {@code bytes} more were written. */
  default void advance(long bytes) {}

  default void finish() {}
}
