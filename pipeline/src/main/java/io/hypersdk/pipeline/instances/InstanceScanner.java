package io.hypersdk.pipeline.instances;

import io.hypersdk.convert.daemon.DaemonConfig;
import io.hypersdk.convert.daemon.DaemonConfig.ConfigException;
import io.hypersdk.pipeline.ExecutionMode;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.pipeline.steps.DetectDaemonStep;
import io.hypersdk.queue.Heartbeat;
import io.hypersdk.queue.QueueCounts;
import io.hypersdk.queue.QueueFiles;
import io.hypersdk.queue.QueueLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds hyper2kvm instances: one per config file in the config dir ({@code hyper2kvm.conf} for the main
 * one, {@code NAME.yaml} for {@code hyper2kvm@NAME}), read by the daemon's own config code, plus daemons
 * whose heartbeats are in those watch dirs without a config file here (a daemon on another host sharing
 * the queue). Whether one is active is decided as the pipeline decides daemon mode, so the answer is what a
 * job would see.
 */
public final class InstanceScanner {
  private static final String MAIN = "hyper2kvm.conf";
  private final Path configDir;

  public InstanceScanner(Path configDir) {
    this.configDir = configDir;
  }

  public List<InstanceInfo> scan() throws InterruptedException {
    List<InstanceInfo> found = new ArrayList<>();
    Set<String> named = new HashSet<>();
    List<Path> watchDirs = new ArrayList<>();
    for (Path file : configFiles()) {
      String name = file.getFileName().toString();
      String instance = name.equals(MAIN) ? null : name.substring(0, name.lastIndexOf('.'));
      named.add(instance == null ? "" : instance);
      PipelineOptions o = PipelineOptions.builder().daemonRequested(true).instance(instance).configDir(configDir)
          .build();
      DaemonConfig config;
      try {
        config = DaemonConfig.resolve(DaemonConfig.readFile(file, true), instance, null, null, 1);
      } catch (ConfigException e) {
        found.add(new InstanceInfo(display(instance), o.serviceName(), file.toString(), false, null, null, null, null,
            null, e.getMessage()));
        continue;
      }
      QueueLayout layout = config.layout();
      watchDirs.add(layout.watchDir());
      ExecutionMode mode = new DetectDaemonStep().run(o, layout);
      found.add(new InstanceInfo(display(instance), o.serviceName(), file.toString(), mode.isDaemon(),
          mode.reason(), layout.watchDir().toString(), layout.outputDir().toString(), QueueCounts.of(layout),
          newest(layout.watchDir(), instance).map(InstanceScanner::info).orElse(null), null));
    }
    // Daemons seen only by their heartbeat in a known queue.
    Instant now = Instant.now();
    for (Path watch : watchDirs.stream().distinct().toList()) {
      for (Heartbeat h : QueueFiles.readHeartbeats(watch)) {
        String inst = h.instance() == null ? "" : h.instance();
        if (named.add(inst)) {
          QueueLayout layout = new QueueLayout(Path.of(h.watchDir()), Path.of(h.outputDir()));
          boolean fresh = h.isFresh(now);
          found.add(new InstanceInfo(display(h.instance()), null, null, fresh, fresh ? "fresh heartbeat of "
              + h.owner() + " in " + layout.heartbeatDir() : "heartbeat of " + h.owner() + " is " + h.state()
              + " or stale", layout.watchDir().toString(), layout.outputDir().toString(), QueueCounts.of(layout),
              info(h), null));
        }
      }
    }
    return found;
  }

  private List<Path> configFiles() {
    if (!Files.isDirectory(configDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(configDir)) {
      return files.filter(Files::isRegularFile).filter(p -> {
        String n = p.getFileName().toString();
        return n.equals(MAIN) || (n.endsWith(".yaml") && !n.startsWith("."));
      }).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static Optional<Heartbeat> newest(Path watchDir, String instance) {
    return QueueFiles.readHeartbeats(watchDir).stream()
        .filter(h -> Objects.equals(blankToNull(h.instance()), instance))
        .max(Comparator.comparing(h -> Instant.parse(h.updatedAt())));
  }

  private static InstanceInfo.HeartbeatInfo info(Heartbeat h) {
    Instant now = Instant.now();
    return new InstanceInfo.HeartbeatInfo(h.owner(), h.host(), h.pid(), h.state(), h.version(), h.updatedAt(),
        h.age(now).toMillis() / 1000.0, h.isFresh(now));
  }

  private static String display(String instance) {
    return instance == null || instance.isEmpty() ? "default" : instance;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
