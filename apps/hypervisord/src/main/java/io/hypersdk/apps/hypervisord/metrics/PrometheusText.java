package io.hypersdk.apps.hypervisord.metrics;

import io.hypersdk.jobs.model.JobStatus;
import java.util.Locale;
import java.util.Map;

/** The daemon's metrics in Prometheus' text exposition format (version 0.0.4). */
public final class PrometheusText {
  private PrometheusText() {}

  /** The numbers one scrape reports. */
  public record Snapshot(String version, double uptimeSeconds, Map<JobStatus, Long> jobsByStatus, int maxConcurrent,
      int eventStreams) {}

  public static String render(Snapshot s) {
    StringBuilder b = new StringBuilder();
    b.append("# HELP hypervisord_info Build information.\n# TYPE hypervisord_info gauge\n")
        .append("hypervisord_info{version=\"").append(escape(s.version())).append("\"} 1\n");
    b.append("# HELP hypervisord_uptime_seconds Seconds since the daemon started.\n")
        .append("# TYPE hypervisord_uptime_seconds gauge\n")
        .append("hypervisord_uptime_seconds ").append(String.format(Locale.ROOT, "%.3f", s.uptimeSeconds())).append('\n');
    b.append("# HELP hypervisord_jobs Jobs in the store by status.\n# TYPE hypervisord_jobs gauge\n");
    for (Map.Entry<JobStatus, Long> e : s.jobsByStatus().entrySet()) {
      b.append("hypervisord_jobs{status=\"").append(e.getKey().value()).append("\"} ").append(e.getValue())
          .append('\n');
    }
    b.append("# HELP hypervisord_max_concurrent_jobs Jobs run at the same time at most.\n")
        .append("# TYPE hypervisord_max_concurrent_jobs gauge\n")
        .append("hypervisord_max_concurrent_jobs ").append(s.maxConcurrent()).append('\n');
    b.append("# HELP hypervisord_event_streams Clients connected to an event stream.\n")
        .append("# TYPE hypervisord_event_streams gauge\n")
        .append("hypervisord_event_streams ").append(s.eventStreams()).append('\n');
    return b.toString();
  }

  private static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
