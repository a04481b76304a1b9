package io.hypersdk.convert.steps;

import io.hypersdk.io.AtomicFiles;
import io.hypersdk.queue.ConversionResult;
import io.hypersdk.queue.QueueFiles;
import io.hypersdk.queue.QueueLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Renames staged outputs to their final names, the primary disk last, so a final name never shows a
 * partial file. A journal written first lists every rename: after a crash, {@link #resume} redoes the
 * renames still pending instead of converting again.
 */
public final class PublishStep {
  static final String JOURNAL = QueueLayout.COMMIT_JOURNAL;

  /** One rename of the commit. */
  public record Move(String from, String to) {}

  /** The journal: the renames in order, and the result they publish. */
  public record Journal(List<Move> moves, List<String> remove, ConversionResult result) {}

  /**
   * Publishes {@code moves} in order, then removes {@code remove} (a stale error file of the same VM).
   * The journal lives in {@code stagingDir}; the caller deletes that folder once it has recorded the job.
   */
  public void run(Path stagingDir, List<Move> moves, List<Path> remove, ConversionResult result) throws IOException {
    Journal journal = new Journal(moves, remove.stream().map(Path::toString).toList(), result);
    QueueFiles.writeJson(stagingDir.resolve(JOURNAL), journal);
    apply(journal);
  }

  /** Finishes an interrupted commit in {@code stagingDir}; empty when there was none to finish. */
  public Optional<ConversionResult> resume(Path stagingDir) throws IOException {
    Optional<Journal> journal = QueueFiles.readJson(stagingDir.resolve(JOURNAL), Journal.class);
    if (journal.isEmpty()) {
      return Optional.empty();
    }
    apply(journal.get());
    return Optional.of(journal.get().result());
  }

  private static void apply(Journal journal) throws IOException {
    for (Move m : journal.moves()) {
      Path from = Path.of(m.from());
      // A source already gone was renamed before the crash.
      if (Files.exists(from)) {
        AtomicFiles.move(from, Path.of(m.to()));
      }
    }
    for (String r : journal.remove()) {
      Files.deleteIfExists(Path.of(r));
    }
    Set<Path> dirs = new LinkedHashSet<>();
    journal.moves().forEach(m -> dirs.add(Path.of(m.to()).getParent()));
    for (Path dir : dirs) {
      AtomicFiles.syncDirectory(dir);
    }
  }
}
