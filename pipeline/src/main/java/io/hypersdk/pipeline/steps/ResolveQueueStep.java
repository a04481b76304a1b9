package io.hypersdk.pipeline.steps;

import io.hypersdk.queue.DaemonConfig;
import io.hypersdk.queue.DaemonConfig.ConfigException;
import io.hypersdk.pipeline.PipelineException;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.queue.QueueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decides the queue's watch and output dirs. Explicit dirs win; otherwise they come from the same config
 * file, read by the same code, as the daemon instance uses, so exporter and daemon cannot disagree.
 */
public final class ResolveQueueStep {

  /** The queue folders and where they came from. */
  public record ResolvedQueue(QueueLayout layout, String source) {}

  public ResolvedQueue run(PipelineOptions o) throws PipelineException {
    Path configFile = DaemonConfig.configFileFor(o.configDir(), o.instance());
    DaemonConfig config;
    try {
      config = DaemonConfig.resolve(DaemonConfig.readFile(configFile, false), o.instance(), o.watchDir(),
          o.outputDir(), null);
    } catch (ConfigException e) {
      throw new PipelineException("cannot read the daemon's queue settings: " + e.getMessage());
    }
    String source;
    if (o.watchDir() != null && o.outputDir() != null) {
      source = "--hyper2kvm-watch-dir and --hyper2kvm-output-dir";
    } else if (Files.isRegularFile(configFile)) {
      source = configFile.toString();
    } else {
      source = "defaults (no " + configFile + ")";
    }
    return new ResolvedQueue(config.layout(), source);
  }
}
