package io.hypersdk.apps.hyperctl.tui;

import java.util.Locale;

/**
 * One VM's migration as the progress and summary screens show it: written by the migration thread, read by
 * the UI thread.
 */
final class VmRun {
  private final String vm;
  private volatile String phase = "waiting";
  private volatile int percent = -1;
  private volatile String lastMessage = "";
  private volatile VmOutcome outcome;

  VmRun(String vm) {
    this.vm = vm;
  }

  String vm() {
    return vm;
  }

  void phase(String p) {
    phase = p;
  }

  /** Percent done, -1 while unknown. */
  void percent(int p) {
    percent = p;
  }

  String lastMessage() {
    return lastMessage;
  }

  void message(String m) {
    lastMessage = m;
  }

  /** How it ended; null while it runs. */
  VmOutcome outcome() {
    return outcome;
  }

  void finished(VmOutcome o) {
    outcome = o;
    phase = o.state();
    if (o.success()) {
      percent = 100;
    }
  }

  boolean ended() {
    return outcome != null;
  }

  boolean succeeded() {
    return outcome != null && outcome.success();
  }

  String progressLine(int barWidth) {
    int pct = percent;
    int filled = pct < 0 ? 0 : pct * barWidth / 100;
    return String.format(Locale.ROOT, "%-20s %-22s [%s%s] %s", Canvas.cut(vm, 20), Canvas.cut(phase, 22),
        "#".repeat(filled), ".".repeat(barWidth - filled), pct < 0 ? "  -" : String.format(Locale.ROOT, "%3d%%", pct));
  }
}
