package io.hypersdk.jobs.model;

/**
 * The pipeline options of a job, as the design's Web API names them; null means "not given", so the
 * pipeline's own default applies. Poll interval is in seconds, the daemon timeout in minutes. {@code fix}
 * runs the converter's fix stage (on unless the job says {@code fix: false}; jobs stored before the option
 * existed read as false, which is what they were submitted with); {@code bootCheck} is off, on or warn and
 * {@code bootCheckTimeout} is in seconds, both null when the converter's default applies.
 */
public record JobOptions(
    boolean enablePipeline,
    String hyper2kvmPath,
    boolean hyper2kvmDaemon,
    String hyper2kvmInstance,
    String hyper2kvmWatchDir,
    String hyper2kvmOutputDir,
    Double hyper2kvmPollInterval,
    Double hyper2kvmDaemonTimeout,
    boolean libvirtIntegration,
    String libvirtUri,
    boolean libvirtAutostart,
    boolean fix,
    String bootCheck,
    Integer bootCheckTimeout) {

  public static final JobOptions NONE = new JobOptions(false, null, false, null, null, null, null, null, false, null,
      false, true, null, null);
}
