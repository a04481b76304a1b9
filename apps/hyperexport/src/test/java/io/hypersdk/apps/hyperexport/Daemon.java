package io.hypersdk.apps.hyperexport;

import static org.awaitility.Awaitility.await;

import io.hypersdk.queue.Heartbeat;
import io.hypersdk.queue.QueueFiles;
import io.hypersdk.queue.QueueLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** A real {@code hyperconvert daemon} process serving a queue in a test folder. */
final class Daemon {
  private final Running running;
  private final QueueLayout layout;

  private Daemon(Running running, QueueLayout layout) {
    this.running = running;
    this.layout = layout;
  }

  /**
   * Writes a daemon config with short heartbeat and rescan periods, so tests need not wait for the
   * production defaults.
   */
  static Path writeConfig(Path file, Path watchDir, Path outputDir) {
    String yaml = "watch_dir: " + watchDir.toAbsolutePath() + "\n"
        + "output_dir: " + outputDir.toAbsolutePath() + "\n"
        + "heartbeat_seconds: 1\n"
        + "rescan_seconds: 1\n"
        + "max_concurrent: 2\n"
        + "stop_timeout_seconds: 10\n";
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Starts the daemon with {@code --config CONFIG EXTRA...} and waits for its first heartbeat. */
  static Daemon start(Launcher launcher, Path config, Path watchDir, Path outputDir, String... extra) {
    String[] args = new String[extra.length + 2];
    args[0] = "--config";
    args[1] = config.toString();
    System.arraycopy(extra, 0, args, 2, extra.length);
    Running r = launcher.startDaemon(args);
    Daemon d = new Daemon(r, new QueueLayout(watchDir, outputDir));
    Instant started = Instant.now();
    await("first heartbeat of the daemon in " + d.layout.heartbeatDir())
        .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .failFast("the daemon exited", () -> !r.process().isAlive())
        .until(() -> QueueFiles.readHeartbeats(watchDir).stream()
            .anyMatch(h -> Heartbeat.RUNNING.equals(h.state()) && h.pid() == r.pid()
                && !Instant.parse(h.updatedAt()).isBefore(started.minusSeconds(1))));
    return d;
  }

  QueueLayout layout() {
    return layout;
  }

  Running process() {
    return running;
  }

  /** The daemon's log (stderr), for assertion messages. */
  String log() {
    return running.stderr();
  }

  /** SIGTERM, as systemd stops it; returns its exit code (0 for a clean stop). */
  int stop() {
    running.process().destroy();
    return running.await(Duration.ofSeconds(60)).exit();
  }
}
