package io.hypersdk.apps.hyperctl.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** How a job's fields read in tables and in {@code show}. */
final class JobText {
  private JobText() {}

  static String phase(JsonNode job) {
    return job.path("progress").path("phase").asText(null);
  }

  static String percent(JsonNode job) {
    JsonNode p = job.path("progress").path("percent_complete");
    return p.isNumber() ? String.format(Locale.ROOT, "%.0f%%", p.asDouble()) : null;
  }

  /** The job's name, else the VM it moves. */
  static String vm(JsonNode job) {
    JsonNode d = job.path("definition");
    return d.hasNonNull("name") ? d.get("name").asText() : d.path("vm_path").asText(null);
  }

  static boolean isFinal(String status) {
    return "completed".equals(status) || "failed".equals(status) || "cancelled".equals(status);
  }
}
