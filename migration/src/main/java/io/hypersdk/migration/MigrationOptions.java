package io.hypersdk.migration;

import java.nio.file.Path;

/**
 * What a person or a job asks of one migration beyond the export itself, the same for hyperexport's flags, a
 * hypervisord job's options and the wizard's screens; {@link MigrationRequestMapper} turns it into a request.
 * Null means "not given": the pipeline's default applies. Poll interval in seconds, daemon timeout in minutes.
 * {@code fix} null means on; {@code bootCheck} (off, on or warn) and its timeout null mean the converter's
 * own default (its {@code boot_check} settings, else off and 300 s).
 */
public record MigrationOptions(
    boolean writeManifest,
    boolean pipeline,
    Path hyper2kvmPath,
    boolean daemon,
    String instance,
    Path watchDir,
    Path daemonOutputDir,
    Double pollSeconds,
    Double timeoutMinutes,
    boolean libvirt,
    String libvirtUri,
    boolean libvirtAutostart,
    boolean dryRun,
    boolean verbose,
    Boolean fix,
    String bootCheck,
    Integer bootCheckTimeoutSeconds,
    boolean keepSource) {

  public static Builder builder() {
    return new Builder();
  }

  /** Builder for {@link MigrationOptions}; everything starts off or not given. */
  public static final class Builder {
    private boolean writeManifest;
    private boolean pipeline;
    private Path hyper2kvmPath;
    private boolean daemon;
    private String instance;
    private Path watchDir;
    private Path daemonOutputDir;
    private Double pollSeconds;
    private Double timeoutMinutes;
    private boolean libvirt;
    private String libvirtUri;
    private boolean libvirtAutostart;
    private boolean dryRun;
    private boolean verbose;
    private Boolean fix;
    private String bootCheck;
    private Integer bootCheckTimeoutSeconds;
    private boolean keepSource;

    private Builder() {}

    /** Write the manifest even without the pipeline (the pipeline always writes it). */
    public Builder writeManifest(boolean v) { this.writeManifest = v; return this; }
    public Builder pipeline(boolean v) { this.pipeline = v; return this; }
    public Builder hyper2kvmPath(Path v) { this.hyper2kvmPath = v; return this; }
    public Builder daemon(boolean v) { this.daemon = v; return this; }
    /** The instance name; null or blank means the main {@code hyper2kvm.service}. */
    public Builder instance(String v) { this.instance = v; return this; }
    public Builder watchDir(Path v) { this.watchDir = v; return this; }
    public Builder daemonOutputDir(Path v) { this.daemonOutputDir = v; return this; }
    public Builder pollSeconds(Double v) { this.pollSeconds = v; return this; }
    public Builder timeoutMinutes(Double v) { this.timeoutMinutes = v; return this; }
    public Builder libvirt(boolean v) { this.libvirt = v; return this; }
    /** The libvirt connection; null or blank means the default. */
    public Builder libvirtUri(String v) { this.libvirtUri = v; return this; }
    public Builder libvirtAutostart(boolean v) { this.libvirtAutostart = v; return this; }
    public Builder dryRun(boolean v) { this.dryRun = v; return this; }
    public Builder verbose(boolean v) { this.verbose = v; return this; }
    /** Run the converter's fix stage on the guest; null means on. */
    public Builder fix(Boolean v) { this.fix = v; return this; }
    /** off, on or warn; null leaves it to the converter. */
    public Builder bootCheck(String v) { this.bootCheck = v; return this; }
    public Builder bootCheckTimeoutSeconds(Integer v) { this.bootCheckTimeoutSeconds = v; return this; }
    /** Keep the source disks of a streaming export too (a non-streaming export always keeps them). */
    public Builder keepSource(boolean v) { this.keepSource = v; return this; }

    public MigrationOptions build() {
      return new MigrationOptions(writeManifest, pipeline, hyper2kvmPath, daemon, instance, watchDir,
          daemonOutputDir, pollSeconds, timeoutMinutes, libvirt, libvirtUri, libvirtAutostart, dryRun, verbose,
          fix, bootCheck, bootCheckTimeoutSeconds, keepSource);
    }
  }
}
