package io.hypersdk.apps.hyperctl.tui;

import io.hypersdk.queue.Heartbeat;
import io.hypersdk.queue.QueueCounts;
import io.hypersdk.queue.QueueFiles;
import io.hypersdk.queue.QueueLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Writes a daemon's heartbeat file the way the daemon does (QueueFiles, in the queue's heartbeat folder). */
final class Heartbeats {
  private Heartbeats() {}

  /**
   * A running daemon {@code owner} of {@code instance} whose last update was {@code age} ago. It claims to
   * beat every minute, so it stays fresh for three minutes however slow the machine is.
   */
  static void write(QueueLayout layout, String owner, String instance, Duration age) throws IOException {
    Files.createDirectories(layout.heartbeatDir());
    Instant updated = Instant.now().minus(age);
    QueueFiles.writeJson(layout.heartbeatFile(owner), new Heartbeat(owner, instance, "testhost",
        ProcessHandle.current().pid(), "0.1.0", Heartbeat.RUNNING, updated.minusSeconds(5).toString(),
        updated.toString(), 60, layout.watchDir().toString(), layout.outputDir().toString(), 1,
        QueueCounts.of(layout), List.of()));
  }
}
