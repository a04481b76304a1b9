package io.hypersdk.providers;

import java.nio.file.Path;
import java.util.Objects;

/** What to export and where; {@code sink} takes the disks of providers whose download is a stream. */
public record ExportRequest(String vm, Path outputDir, ExportFormat format, DiskSink sink) {
  public ExportRequest {
    Objects.requireNonNull(sink);
  }

  /** A request whose disks are written as files. */
  public ExportRequest(String vm, Path outputDir, ExportFormat format) {
    this(vm, outputDir, format, DiskSink.FILES);
  }

  /** The same request with its disks going to {@code other}. */
  public ExportRequest withSink(DiskSink other) {
    return new ExportRequest(vm, outputDir, format, other);
  }
}
