package io.hypersdk.apps.hyperctl.daemon;

import io.hypersdk.pipeline.instances.InstanceInfo;
import io.hypersdk.queue.QueueCounts;

/** How an instance's state and counts read for people. */
final class InstanceText {
  private InstanceText() {}

  /** "active (systemd)", "active (heartbeat)", or what systemd says (inactive, failed, not installed, …). */
  static String state(InstanceInfo i) {
    if (i.error() != null) {
      return "config error";
    }
    if (i.active()) {
      return i.activeReason() != null && i.activeReason().startsWith("systemctl") ? "active (systemd)"
          : "active (heartbeat)";
    }
    return i.systemd() != null && i.systemd().available() && !i.systemd().isActive() ? i.systemd().state() : "inactive";
  }

  static String counts(QueueCounts q) {
    return q == null ? "-" : q.pending() + " pending, " + q.processing() + " processing, " + q.processed()
        + " processed, " + q.failed() + " failed";
  }
}
