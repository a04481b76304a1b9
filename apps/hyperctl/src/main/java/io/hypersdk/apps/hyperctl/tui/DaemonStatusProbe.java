package io.hypersdk.apps.hyperctl.tui;

import io.hypersdk.pipeline.ExecutionMode;
import io.hypersdk.pipeline.PipelineException;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.pipeline.steps.DetectDaemonStep;
import io.hypersdk.pipeline.steps.ResolveQueueStep;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live daemon status of the pipeline options on screen, refreshed in the background every
 * {@code period} (and at once when the options change), decided by the pipeline's own detection so it
 * says what a run started now would do.
 */
final class DaemonStatusProbe implements AutoCloseable {
  static final Duration PERIOD = Duration.ofSeconds(2);
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "hyperctl-daemon-status");
    t.setDaemon(true);
    return t;
  });
  private volatile PipelineOptions options;
  private volatile String status = "checking…";

  DaemonStatusProbe(PipelineOptions initial) {
    this.options = initial;
    executor.scheduleWithFixedDelay(this::refresh, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The options to check from now on; a change is checked at once rather than at the next period. */
  void watch(PipelineOptions o) {
    if (!Objects.equals(o, options)) {
      options = o;
      executor.execute(this::refresh);
    }
  }

  String current() {
    return status;
  }

  private void refresh() {
    try {
      status = describe(options);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One line: "active (systemd)", "active (fresh heartbeat of OWNER)" or why direct mode would be used. */
  static String describe(PipelineOptions o) throws InterruptedException {
    if (!o.daemonRequested()) {
      return "daemon mode off: the converter runs directly";
    }
    ExecutionMode mode;
    try {
      mode = new DetectDaemonStep().run(o, new ResolveQueueStep().run(o).layout());
    } catch (PipelineException e) {
      return "will fall back to direct mode: " + e.getMessage();
    }
    if (!mode.isDaemon()) {
      return "will fall back to direct mode: " + mode.reason();
    }
    return mode.service() != null ? "active (systemd)" : "active (fresh heartbeat of " + mode.heartbeat() + ")";
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
