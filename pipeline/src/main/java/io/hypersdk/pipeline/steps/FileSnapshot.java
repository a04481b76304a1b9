package io.hypersdk.pipeline.steps;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A file's identity at one moment (inode, size, mtime to the file system's precision), to tell a new file
 * from a stale one and a changing file from a settled one.
 */
public record FileSnapshot(Path path, Object fileKey, long size, long modifiedNanos) {

  /** The file as it is now; null fields when it does not exist. */
  public static FileSnapshot of(Path path) {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      return new FileSnapshot(path, a.fileKey(), a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS));
    } catch (IOException e) {
      return new FileSnapshot(path, null, -1, -1);
    }
  }

  public boolean exists() {
    return size >= 0;
  }

  /** Whether the file now is another file, or was changed, compared with this snapshot. */
  public boolean differsFrom(FileSnapshot earlier) {
    return exists() && (!Objects.equals(fileKey, earlier.fileKey) || size != earlier.size
        || modifiedNanos != earlier.modifiedNanos);
  }
}
