package io.hypersdk.migration;

import io.hypersdk.providers.ExportProgress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything a migration reported: {@code info: }, {@code warning: } and {@code output: } lines in order, and the
 * export's progress.
 */
final class RecordedEvents implements MigrationEvents {
  final List<String> lines = new CopyOnWriteArrayList<>();
  final AtomicLong total = new AtomicLong(-1);
  final AtomicLong advanced = new AtomicLong();
  volatile boolean finished;

  @Override
  public void info(String message) {
    lines.add("info: " + message);
  }

  @Override
  public void warning(String message) {
    lines.add("warning: " + message);
  }

  @Override
  public void converterOutput(String line) {
    lines.add("output: " + line);
  }

  @Override
  public ExportProgress exportProgress() {
    return new ExportProgress() {
      @Override
      public void start(long totalBytes) {
        total.set(totalBytes);
      }

      @Override
      public void advance(long bytes) {
        advanced.addAndGet(bytes);
      }

      @Override
      public void finish() {
        finished = true;
      }
    };
  }

  /** The index of the first line starting with {@code prefix}; fails when there is none. */
  int indexOf(String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError("no line starts with '" + prefix + "' in " + lines);
  }
}
