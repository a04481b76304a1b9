package io.hypersdk.pipeline.instances;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hypersdk.queue.QueueCounts;

/**
 * A hyper2kvm daemon instance: its name and unit, whether it is active and how that was decided (systemd,
 * or a fresh heartbeat), its queue folders and counts, and its latest heartbeat.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InstanceInfo(
    String name,
    String service,
    String configFile,
    boolean active,
    String activeReason,
    String watchDir,
    String outputDir,
    QueueCounts queue,
    HeartbeatInfo heartbeat,
    String error) {

  /** The newest heartbeat of the instance in its watch dir. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record HeartbeatInfo(String owner, String host, long pid, String state, String version, String updatedAt,
      double ageSeconds, boolean fresh) {}
}
