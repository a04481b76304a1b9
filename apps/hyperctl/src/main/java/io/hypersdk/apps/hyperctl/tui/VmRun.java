package io.hypersdk.apps.hyperctl.tui;

import io.hypersdk.migration.MigrationResult;
import java.util.Locale;

/**
 * One VM's migration as the progress and summary screens show it: written by the migration thread, read by
 * the UI thread.
 */
final class VmRun {
  private final String vm;
  private volatile String phase = "waiting";
  private volatile long totalBytes;
  private volatile long doneBytes;
  private volatile String lastMessage = "";
  private volatile MigrationResult result;
  private volatile boolean cancelled;

  VmRun(String vm) {
    this.vm = vm;
  }

  String vm() {
    return vm;
  }

  String phase() {
    return phase;
  }

  void phase(String p) {
    phase = p;
  }

  void exportStarted(long total) {
    totalBytes = total;
    doneBytes = 0;
  }

  synchronized void exported(long bytes) {
    doneBytes += bytes;
  }

  /** Percent of the export written, 100 once the VM is done, -1 before anything is known. */
  int percent() {
    if (result != null && result.success()) {
      return 100;
    }
    long total = totalBytes;
    return total <= 0 ? -1 : (int) Math.min(100, doneBytes * 100 / total);
  }

  String lastMessage() {
    return lastMessage;
  }

  void message(String m) {
    lastMessage = m;
  }

  MigrationResult result() {
    return result;
  }

  void finished(MigrationResult r) {
    result = r;
    phase = r.success() ? "done" : "failed";
  }

  boolean cancelled() {
    return cancelled;
  }

  void cancel() {
    cancelled = true;
    phase = "cancelled";
  }

  boolean ended() {
    return result != null || cancelled;
  }

  boolean succeeded() {
    return result != null && result.success();
  }

  String progressLine(int barWidth) {
    int pct = percent();
    int filled = pct < 0 ? 0 : pct * barWidth / 100;
    return String.format(Locale.ROOT, "%-20s %-22s [%s%s] %s", Canvas.cut(vm, 20), Canvas.cut(phase, 22),
        "#".repeat(filled), ".".repeat(barWidth - filled), pct < 0 ? "  -" : String.format(Locale.ROOT, "%3d%%", pct));
  }
}
