package io.hypersdk.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** How many manifests are in each state of a queue. */
public record QueueCounts(long pending, long processing, long processed, long failed) {

  /** Counts by listing the queue's folders; a missing folder counts as empty. */
  public static QueueCounts of(QueueLayout layout) {
    return new QueueCounts(
        countManifests(layout.watchDir()),
        countProcessing(layout.processingRoot()),
        countManifests(layout.processedDir()),
        countManifests(layout.failedDir()));
  }

  private static long countProcessing(Path root) {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    try (Stream<Path> owners = Files.list(root)) {
      return owners.filter(Files::isDirectory).mapToLong(QueueCounts::countManifests).sum();
    } catch (IOException e) {
      return 0;
    }
  }

  private static long countManifests(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> OutputNames.isManifestName(p.getFileName().toString())).count();
    } catch (IOException e) {
      return 0;
    }
  }
}
