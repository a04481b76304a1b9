package io.hypersdk.pipeline;

import io.hypersdk.queue.DaemonConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to run the pipeline after export: the design's hyper2kvm options plus libvirt. Build with
 * {@link #builder}; absent directories are resolved from the instance's daemon config or the defaults.
 */
public record PipelineOptions(
    Path hyper2kvmPath,
    List<String> bundledConverter,
    boolean daemonRequested,
    String instance,
    Path watchDir,
    Path outputDir,
    Path configDir,
    Duration pollInterval,
    Duration daemonTimeout,
    boolean notifications,
    boolean libvirt,
    String libvirtUri,
    boolean libvirtAutostart,
    boolean dryRun,
    boolean verbose) {

  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_DAEMON_TIMEOUT = Duration.ofMinutes(60);
  public static final String DEFAULT_LIBVIRT_URI = "qemu:///system";

  public String serviceName() {
    return instance == null || instance.isBlank() ? "hyper2kvm.service" : "hyper2kvm@" + instance + ".service";
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder for {@link PipelineOptions}, with the design document's defaults. */
  public static final class Builder {
    private Path hyper2kvmPath;
    private List<String> bundledConverter = List.of();
    private boolean daemonRequested;
    private String instance;
    private Path watchDir;
    private Path outputDir;
    private Path configDir = DaemonConfig.configDir(null);
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private Duration daemonTimeout = DEFAULT_DAEMON_TIMEOUT;
    private boolean notifications = true;
    private boolean libvirt;
    private String libvirtUri = DEFAULT_LIBVIRT_URI;
    private boolean libvirtAutostart;
    private boolean dryRun;
    private boolean verbose;

    private Builder() {}

    public Builder hyper2kvmPath(Path v) { this.hyper2kvmPath = v; return this; }
    /** The command that runs this project's own converter, used when no hyper2kvm is given or found. */
    public Builder bundledConverter(List<String> v) { this.bundledConverter = List.copyOf(v); return this; }
    public Builder daemonRequested(boolean v) { this.daemonRequested = v; return this; }
    public Builder instance(String v) { this.instance = v; return this; }
    public Builder watchDir(Path v) { this.watchDir = v; return this; }
    public Builder outputDir(Path v) { this.outputDir = v; return this; }
    public Builder configDir(Path v) { this.configDir = Objects.requireNonNull(v); return this; }
    public Builder pollInterval(Duration v) { this.pollInterval = Objects.requireNonNull(v); return this; }
    public Builder daemonTimeout(Duration v) { this.daemonTimeout = Objects.requireNonNull(v); return this; }
    /** File-system notifications while waiting; off means polling only (what network file systems get). */
    public Builder notifications(boolean v) { this.notifications = v; return this; }
    public Builder libvirt(boolean v) { this.libvirt = v; return this; }
    public Builder libvirtUri(String v) { this.libvirtUri = Objects.requireNonNull(v); return this; }
    public Builder libvirtAutostart(boolean v) { this.libvirtAutostart = v; return this; }
    public Builder dryRun(boolean v) { this.dryRun = v; return this; }
    public Builder verbose(boolean v) { this.verbose = v; return this; }

    public PipelineOptions build() {
      if (pollInterval.isNegative() || pollInterval.isZero()) {
        throw new IllegalArgumentException("the poll interval must be positive");
      }
      if (daemonTimeout.isNegative() || daemonTimeout.isZero()) {
        throw new IllegalArgumentException("the daemon timeout must be positive");
      }
      return new PipelineOptions(hyper2kvmPath, bundledConverter, daemonRequested, instance, watchDir, outputDir,
          configDir, pollInterval, daemonTimeout, notifications, libvirt, libvirtUri, libvirtAutostart, dryRun,
          verbose);
    }
  }
}
