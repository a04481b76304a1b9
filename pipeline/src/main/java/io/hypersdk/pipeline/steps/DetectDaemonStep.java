package io.hypersdk.pipeline.steps;

import io.hypersdk.pipeline.ExecutionMode;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.pipeline.systemd.SystemdUnits;
import io.hypersdk.queue.Heartbeat;
import io.hypersdk.queue.QueueFiles;
import io.hypersdk.queue.QueueLayout;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Daemon or direct mode. systemd saying the unit is active means daemon mode; so does a fresh heartbeat in
 * the watch dir, which is how a daemon on another host sharing the queue over NFS is found. Otherwise the
 * reason for falling back to direct mode is returned, for the caller to warn with.
 */
public final class DetectDaemonStep {
  private final SystemdUnits systemd;

  public DetectDaemonStep() {
    this(new SystemdUnits());
  }

  public DetectDaemonStep(SystemdUnits systemd) {
    this.systemd = systemd;
  }

  public ExecutionMode run(PipelineOptions o, QueueLayout layout) throws InterruptedException {
    if (!o.daemonRequested()) {
      return ExecutionMode.direct("daemon mode not requested");
    }
    return decide(o, layout, systemd.isActive(o.serviceName()));
  }

  /**
   * The decision when systemd has already been asked: {@code systemdState} is the unit's active state
   * ("active", "inactive", …) or why systemd could not say.
   */
  public ExecutionMode decide(PipelineOptions o, QueueLayout layout, String systemdState) {
    if (!o.daemonRequested()) {
      return ExecutionMode.direct("daemon mode not requested");
    }
    String service = o.serviceName();
    Optional<Heartbeat> beat = freshHeartbeat(layout.watchDir(), o.instance());
    if ("active".equals(systemdState)) {
      return new ExecutionMode(ExecutionMode.DAEMON, "systemctl is-active " + service + ": active", service,
          beat.map(Heartbeat::owner).orElse(null));
    }
    if (beat.isPresent()) {
      Heartbeat h = beat.get();
      double age = h.age(Instant.now()).toMillis() / 1000.0;
      return new ExecutionMode(ExecutionMode.DAEMON, String.format(Locale.ROOT,
          "heartbeat of %s (host %s, pid %d) updated %.1f s ago in %s", h.owner(), h.host(), h.pid(), age,
          layout.heartbeatDir()), null, h.owner());
    }
    return ExecutionMode.direct(service + " is not active (systemctl: " + systemdState + ") and no daemon heartbeat "
        + "is fresh in " + layout.heartbeatDir() + "; using direct mode");
  }

  /** The freshest live heartbeat, preferring the requested instance. */
  static Optional<Heartbeat> freshHeartbeat(Path watchDir, String instance) {
    Instant now = Instant.now();
    List<Heartbeat> live = QueueFiles.readHeartbeats(watchDir).stream().filter(h -> h.isFresh(now)).toList();
    Comparator<Heartbeat> order = Comparator.comparing((Heartbeat h) -> !(instance != null
        && instance.equals(h.instance()))).thenComparing(h -> h.age(now));
    return live.stream().min(order);
  }
}
