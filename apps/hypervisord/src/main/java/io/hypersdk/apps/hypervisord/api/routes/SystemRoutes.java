package io.hypersdk.apps.hypervisord.api.routes;

import io.hypersdk.apps.hypervisord.api.ApiRoute;
import io.hypersdk.jobs.JobService;
import io.hypersdk.jobs.events.JobEventBus;
import io.hypersdk.jobs.model.JobStatus;
import io.hypersdk.jobs.store.JobStore;
import io.hypersdk.apps.hypervisord.metrics.PrometheusText;
import io.hypersdk.manifest.HyperSdkVersion;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Health (open to all), status and metrics. */
public final class SystemRoutes {
  private final JobService jobs;
  private final JobEventBus bus;
  private final Instant started;
  private final int maxConcurrent;

  public SystemRoutes(JobService jobs, JobEventBus bus, Instant started, int maxConcurrent) {
    this.jobs = jobs;
    this.bus = bus;
    this.started = started;
    this.maxConcurrent = maxConcurrent;
  }

  public List<ApiRoute> routes() {
    return List.of(
        ApiRoute.get("/health", "Liveness; needs no token", this::health).open().returning(Health.class),
        ApiRoute.get("/status", "Version, uptime and job counts", this::status).returning(Status.class),
        ApiRoute.get("/metrics", "Metrics in Prometheus text format", this::metrics).producing(ApiRoute.PROMETHEUS));
  }

  /** The health answer. */
  record Health(String status, String timestamp) {}

  /** The upstream status answer, plus the uptime in seconds for scripts. */
  record Status(String version, String uptime, long uptimeSeconds, long totalJobs, long pendingJobs, long runningJobs,
      long completedJobs, long failedJobs, long cancelledJobs, String timestamp) {}

  private void health(Context ctx) {
    ctx.json(new Health("healthy", JobStore.now()));
  }

  private void status(Context ctx) {
    Map<JobStatus, Long> c = jobs.counts();
    Duration up = Duration.between(started, Instant.now());
    long total = c.values().stream().mapToLong(Long::longValue).sum();
    ctx.json(new Status(HyperSdkVersion.get(), goDuration(up), up.toSeconds(), total, c.get(JobStatus.PENDING),
        c.get(JobStatus.RUNNING), c.get(JobStatus.COMPLETED), c.get(JobStatus.FAILED), c.get(JobStatus.CANCELLED),
        JobStore.now()));
  }

  private void metrics(Context ctx) {
    double up = Duration.between(started, Instant.now()).toMillis() / 1000.0;
    ctx.contentType(ApiRoute.PROMETHEUS).result(PrometheusText.render(new PrometheusText.Snapshot(
        HyperSdkVersion.get(), up, jobs.counts(), maxConcurrent, bus.listenerCount())));
  }

  /** The uptime as upstream's Go daemon printed it, e.g. {@code 1h2m3s}. */
  static String goDuration(Duration d) {
    long h = d.toHours();
    int m = d.toMinutesPart();
    int s = d.toSecondsPart();
    return (h > 0 ? h + "h" : "") + (h > 0 || m > 0 ? m + "m" : "") + s + "s";
  }
}
