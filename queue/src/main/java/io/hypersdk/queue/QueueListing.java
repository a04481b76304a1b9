package io.hypersdk.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The manifests in a queue folder, oldest first: the order the daemon serves them in. */
public final class QueueListing {
  private QueueListing() {}

  /** The pending manifests: those at the top of the watch dir. */
  public static List<Path> pending(QueueLayout layout) throws IOException {
    return manifests(layout.watchDir());
  }

  /** The manifests in {@code dir} (a missing folder has none), oldest first, then by name. */
  public static List<Path> manifests(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> OutputNames.isManifestName(p.getFileName().toString()))
          .filter(Files::isRegularFile)
          .sorted(Comparator.comparing(QueueListing::modified).thenComparing(Path::getFileName))
          .toList();
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }

  /** A file that went while listing (claimed, withdrawn) sorts last; the next scan no longer sees it. */
  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(Long.MAX_VALUE);
    }
  }
}
