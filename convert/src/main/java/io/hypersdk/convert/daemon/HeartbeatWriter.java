package io.hypersdk.convert.daemon;

import io.hypersdk.queue.DaemonConfig;
import io.hypersdk.queue.Heartbeat;
import io.hypersdk.queue.QueueCounts;
import io.hypersdk.queue.QueueFiles;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Rewrites the daemon's heartbeat file with its state, queue counts and running jobs. */
final class HeartbeatWriter {
  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatWriter.class);

  private final DaemonConfig config;
  private final DaemonIdentity identity;
  private final String startedAt = Instant.now().toString();
  private final Supplier<List<String>> runningJobs;

  HeartbeatWriter(DaemonConfig config, DaemonIdentity identity, Supplier<List<String>> runningJobs) {
    this.config = config;
    this.identity = identity;
    this.runningJobs = runningJobs;
  }

  void write(String state) {
    Heartbeat beat = new Heartbeat(identity.owner(), identity.instance(), identity.host(), identity.pid(),
        identity.version(), state, startedAt, Instant.now().toString(), config.heartbeatSeconds(),
        config.watchDir().toString(), config.outputDir().toString(), config.maxConcurrent(),
        QueueCounts.of(config.layout()), runningJobs.get());
    try {
      QueueFiles.writeJson(config.layout().heartbeatFile(identity.owner()), beat);
    } catch (IOException e) {
      LOG.warn("cannot write heartbeat in {}: {}", config.layout().heartbeatDir(), e.getMessage());
    }
  }
}
