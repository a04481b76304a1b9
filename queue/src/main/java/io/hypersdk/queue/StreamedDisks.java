package io.hypersdk.queue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The disks a streaming export already converted, left in the job's staging folder as
 * {@value #FILE_NAME}: the converter takes each qcow2 from there instead of converting its source again. The
 * source's checksum is the one of the stream the qcow2 was made from; the source file itself may not exist.
 */
public record StreamedDisks(List<Entry> disks) {
  public static final String FILE_NAME = "streamed-disks.json";

  public StreamedDisks {
    disks = List.copyOf(disks);
  }

  /**
   * One disk: {@code source} is the manifest's {@code local_path}, {@code qcow2} a file name in the staging
   * folder, {@code converter} what wrote it.
   */
  public record Entry(String source, String sourceFormat, long sourceBytes, String sourceSha256, long virtualSize,
      String qcow2, long qcow2Bytes, String qcow2Sha256, String converter) {}

  /** The entry for the disk whose manifest {@code local_path} is {@code source}. */
  public Optional<Entry> forSource(String source) {
    return disks.stream().filter(e -> e.source().equals(source)).findFirst();
  }

  /** The record in {@code stagingDir}; empty when the export streamed nothing there. */
  public static Optional<StreamedDisks> read(Path stagingDir) throws IOException {
    return QueueFiles.readJson(stagingDir.resolve(FILE_NAME), StreamedDisks.class);
  }

  public void write(Path stagingDir) throws IOException {
    QueueFiles.writeJson(stagingDir.resolve(FILE_NAME), this);
  }
}
