package io.hypersdk.pipeline.instances;

import io.hypersdk.pipeline.systemd.SystemdUnits;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.hypersdk.queue.QueueCounts;
import java.util.List;

/**
 * A hyper2kvm daemon instance: its name and unit, whether it is active and how that was decided (systemd,
 * or a fresh heartbeat), its queue folders and counts, its latest heartbeat, what systemd says of its unit,
 * and where it was found ({@value InstanceScanner#FROM_SYSTEMD}, {@value InstanceScanner#FROM_CONFIG},
 * {@value InstanceScanner#FROM_HEARTBEAT}).
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
    String error,
    List<String> sources,
    SystemdUnits.UnitStatus systemd) {

  public InstanceInfo {
    sources = sources == null ? List.of() : List.copyOf(sources);
  }

  /** The newest heartbeat of the instance in its watch dir. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record HeartbeatInfo(String owner, String host, long pid, String state, String version, String updatedAt,
      double ageSeconds, boolean fresh) {}
}
