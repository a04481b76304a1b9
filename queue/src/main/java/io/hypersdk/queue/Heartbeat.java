package io.hypersdk.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A daemon's liveness file in {@code watch_dir/.heartbeat/OWNER.json}, rewritten every few seconds, so
 * clients on other hosts (a shared NFS queue) can tell a daemon serves the queue without asking systemd.
 */
public record Heartbeat(
    String owner,
    String instance,
    String host,
    long pid,
    String version,
    String state,
    String startedAt,
    String updatedAt,
    int intervalSeconds,
    String watchDir,
    String outputDir,
    int maxConcurrent,
    QueueCounts queue,
    List<String> runningJobs) {

  public static final String RUNNING = "running";
  public static final String STOPPING = "stopping";
  public static final String STOPPED = "stopped";

  public Heartbeat {
    runningJobs = runningJobs == null ? List.of() : List.copyOf(runningJobs);
  }

  /** How old the last update is at {@code now}. */
  public Duration age(Instant now) {
    return Duration.between(Instant.parse(updatedAt), now);
  }

  /**
   * Alive means running and updated within three intervals (at least ten seconds), which tolerates a
   * missed write or a slow NFS attribute cache but not a dead daemon.
   */
  public boolean isFresh(Instant now) {
    if (!RUNNING.equals(state)) {
      return false;
    }
    long limit = Math.max(10, 3L * Math.max(1, intervalSeconds));
    return age(now).compareTo(Duration.ofSeconds(limit)) <= 0;
  }
}
