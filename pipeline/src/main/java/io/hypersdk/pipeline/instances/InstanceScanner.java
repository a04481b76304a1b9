package io.hypersdk.pipeline.instances;

import io.hypersdk.pipeline.systemd.SystemdUnits;
import io.hypersdk.queue.DaemonConfig;
import io.hypersdk.queue.DaemonConfig.ConfigException;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Finds hyper2kvm instances: the units systemd knows ({@code hyper2kvm.service}, {@code hyper2kvm@NAME.service}),
 * the config files in the config dir ({@code hyper2kvm.conf} for the main one, {@code NAME.yaml} for
 * {@code hyper2kvm@NAME}), read by the daemon's own config code, and daemons whose heartbeats are in those
 * watch dirs without a config file or unit here (a daemon on another host sharing the queue). Whether one is
 * active is decided as the pipeline decides daemon mode, so the answer is what a job would see.
 */
public final class InstanceScanner {
  public static final String FROM_SYSTEMD = "systemd";
  public static final String FROM_CONFIG = "config";
  public static final String FROM_HEARTBEAT = "heartbeat";
  private static final String MAIN = "hyper2kvm.conf";
  private final Path configDir;
  private final SystemdUnits systemd = new SystemdUnits();

  public InstanceScanner(Path configDir) {
    this.configDir = configDir;
  }

  /** Every instance found, the main one first, then by name; heartbeat-only ones last. */
  public List<InstanceInfo> scan() throws InterruptedException {
    // "" is the main instance; the sources of each, in the order they are reported.
    TreeMap<String, Set<String>> known = new TreeMap<>();
    for (String name : systemd.instances()) {
      known.computeIfAbsent(name, n -> new LinkedHashSet<>()).add(FROM_SYSTEMD);
    }
    for (Path file : configFiles()) {
      String n = file.getFileName().toString();
      known.computeIfAbsent(n.equals(MAIN) ? "" : n.substring(0, n.lastIndexOf('.')), k -> new LinkedHashSet<>())
          .add(FROM_CONFIG);
    }
    List<InstanceInfo> found = new ArrayList<>();
    List<Path> watchDirs = new ArrayList<>();
    for (var e : known.entrySet()) {
      InstanceInfo info = describe(e.getKey(), e.getValue());
      found.add(info);
      if (info.watchDir() != null) {
        watchDirs.add(Path.of(info.watchDir()));
      }
    }
    // Daemons seen only by their heartbeat in a known queue.
    Instant now = Instant.now();
    for (Path watch : watchDirs.stream().distinct().toList()) {
      for (Heartbeat h : QueueFiles.readHeartbeats(watch)) {
        String inst = h.instance() == null ? "" : h.instance();
        if (!known.containsKey(inst)) {
          known.put(inst, Set.of(FROM_HEARTBEAT));
          QueueLayout layout = new QueueLayout(Path.of(h.watchDir()), Path.of(h.outputDir()));
          boolean fresh = h.isFresh(now);
          found.add(new InstanceInfo(display(h.instance()), null, null, fresh, fresh ? "fresh heartbeat of "
              + h.owner() + " in " + layout.heartbeatDir() : "heartbeat of " + h.owner() + " is " + h.state()
              + " or stale", layout.watchDir().toString(), layout.outputDir().toString(), QueueCounts.of(layout),
              info(h), null, List.of(FROM_HEARTBEAT), null));
        }
      }
    }
    return found;
  }

  /**
   * One instance by name (null or "default": the main one), as {@link #scan()} reports it; one that nothing
   * knows is still described, from its expected config file and unit, with no sources.
   */
  public InstanceInfo find(String instance) throws InterruptedException {
    String name = instance == null ? display(null) : instance;
    for (InstanceInfo i : scan()) {
      if (i.name().equals(name)) {
        return i;
      }
    }
    return describe(name.equals(display(null)) ? "" : name, Set.of());
  }

  private InstanceInfo describe(String name, Set<String> sources) throws InterruptedException {
    String instance = name.isEmpty() ? null : name;
    Path file = DaemonConfig.configFileFor(configDir, instance);
    PipelineOptions o = PipelineOptions.builder().daemonRequested(true).instance(instance).configDir(configDir)
        .build();
    SystemdUnits.UnitStatus unit = systemd.show(o.serviceName());
    List<String> from = new ArrayList<>(sources);
    String shownFile = Files.isRegularFile(file) ? file.toString() : null;
    DaemonConfig config;
    try {
      // As the daemon and the pipeline read it: a missing file means the defaults.
      config = DaemonConfig.resolve(DaemonConfig.readFile(file, false), instance, null, null, 1);
    } catch (ConfigException e) {
      return new InstanceInfo(display(instance), o.serviceName(), shownFile, false, null, null, null, null, null,
          e.getMessage(), from, unit);
    }
    QueueLayout layout = config.layout();
    // systemd was asked above; its ActiveState is what `systemctl is-active` would print.
    ExecutionMode mode = new DetectDaemonStep(systemd).decide(o, layout,
        unit.available() ? unit.activeState() : unit.note());
    Optional<Heartbeat> beat = newest(layout.watchDir(), instance);
    if (beat.isPresent() && !from.contains(FROM_HEARTBEAT)) {
      from.add(FROM_HEARTBEAT);
    }
    return new InstanceInfo(display(instance), o.serviceName(), shownFile, mode.isDaemon(), mode.reason(),
        layout.watchDir().toString(), layout.outputDir().toString(), QueueCounts.of(layout),
        beat.map(InstanceScanner::info).orElse(null), null, from, unit);
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
