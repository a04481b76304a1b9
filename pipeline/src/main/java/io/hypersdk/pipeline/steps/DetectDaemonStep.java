package io.hypersdk.pipeline.steps;

import io.hypersdk.io.Executables;
import io.hypersdk.pipeline.ExecutionMode;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.queue.Heartbeat;
import io.hypersdk.queue.QueueFiles;
import io.hypersdk.queue.QueueLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Daemon or direct mode. systemd saying the unit is active means daemon mode; so does a fresh heartbeat in
 * the watch dir, which is how a daemon on another host sharing the queue over NFS is found. Otherwise the
 * reason for falling back to direct mode is returned, for the caller to warn with.
 */
public final class DetectDaemonStep {

  public ExecutionMode run(PipelineOptions o, QueueLayout layout) throws InterruptedException {
    if (!o.daemonRequested()) {
      return ExecutionMode.direct("daemon mode not requested");
    }
    String service = o.serviceName();
    Optional<Heartbeat> beat = freshHeartbeat(layout.watchDir(), o.instance());
    String systemd = systemdState(service);
    if ("active".equals(systemd)) {
      return new ExecutionMode(ExecutionMode.DAEMON, "systemctl is-active " + service + ": active", service,
          beat.map(Heartbeat::owner).orElse(null));
    }
    if (beat.isPresent()) {
      Heartbeat h = beat.get();
      double age = h.age(Instant.now()).toMillis() / 1000.0;
      return new ExecutionMode(ExecutionMode.DAEMON, String.format(java.util.Locale.ROOT,
          "heartbeat of %s (host %s, pid %d) updated %.1f s ago in %s", h.owner(), h.host(), h.pid(), age,
          layout.heartbeatDir()), null, h.owner());
    }
    return ExecutionMode.direct(service + " is not active (systemctl: " + systemd + ") and no daemon heartbeat is fresh in "
        + layout.heartbeatDir() + "; using direct mode");
  }

  /** The freshest live heartbeat, preferring the requested instance. */
  static Optional<Heartbeat> freshHeartbeat(Path watchDir, String instance) {
    Instant now = Instant.now();
    List<Heartbeat> live = QueueFiles.readHeartbeats(watchDir).stream().filter(h -> h.isFresh(now)).toList();
    Comparator<Heartbeat> order = Comparator.comparing((Heartbeat h) -> !(instance != null
        && instance.equals(h.instance()))).thenComparing(h -> h.age(now));
    return live.stream().min(order);
  }

  /** What {@code systemctl is-active} says of the unit ("active", "inactive", …), or why it could not be asked. */
  private static String systemdState(String service) throws InterruptedException {
    Optional<Path> systemctl = Executables.onPath("systemctl");
    if (systemctl.isEmpty()) {
      return "not found";
    }
    try {
      Process p = new ProcessBuilder(systemctl.get().toString(), "is-active", service)
          .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "no answer within 10 s";
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      String first = out.lines().findFirst().orElse("");
      return first.isEmpty() ? "exit " + p.exitValue() : first;
    } catch (IOException e) {
      return "cannot run: " + e.getMessage();
    }
  }
}
