package io.hypersdk.convert;

import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.Pipeline;
import io.hypersdk.queue.OutputFiles;
import io.hypersdk.queue.QueueLayout;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything one conversion needs, fixed before it starts. Build with {@link #builder}. The boot check's mode
 * and timeout come from {@code bootCheckOverride} (hyperconvert's flags), else the manifest's
 * {@code pipeline.boot_check}, else {@code bootCheckDefaults} (the daemon's config); null parts are not given.
 * {@code nativeConverter} lets the built-in converter take the disks it supports (config {@code converter}).
 */
public record ConversionRequest(
    ArtifactManifest manifest,
    String manifestName,
    String jobId,
    String vmStem,
    Path outputDir,
    Path stagingDir,
    String primaryFileName,
    String outFormat,
    boolean compress,
    boolean dryRun,
    boolean verifySources,
    ConversionEvents events,
    Pipeline.BootCheck bootCheckOverride,
    Pipeline.BootCheck bootCheckDefaults,
    boolean nativeConverter) {

  /** The final names of this VM's outputs. */
  public OutputFiles outputFiles() {
    return new OutputFiles(outputDir, vmStem);
  }

  /** Where the boot disk ends up. */
  public Path primaryDisk() {
    return primaryFileName == null ? outputFiles().primaryDisk(outFormat) : outputDir.resolve(primaryFileName);
  }

  public static Builder builder(ArtifactManifest manifest, String jobId, String vmStem, Path outputDir) {
    return new Builder(manifest, jobId, vmStem, outputDir);
  }

  /** Builder for {@link ConversionRequest}; staging defaults to {@code OUTPUT/.work/JOB_ID}. */
  public static final class Builder {
    private final ArtifactManifest manifest;
    private final String jobId;
    private final String vmStem;
    private final Path outputDir;
    private String manifestName;
    private Path stagingDir;
    private String primaryFileName;
    private String outFormat = "qcow2";
    private boolean compress;
    private boolean dryRun;
    private boolean verifySources = true;
    private ConversionEvents events = ConversionEvents.NONE;
    private Pipeline.BootCheck bootCheckOverride = new Pipeline.BootCheck(null, null);
    private Pipeline.BootCheck bootCheckDefaults = new Pipeline.BootCheck(null, null);
    private boolean nativeConverter = true;

    private Builder(ArtifactManifest manifest, String jobId, String vmStem, Path outputDir) {
      this.manifest = Objects.requireNonNull(manifest);
      this.jobId = Objects.requireNonNull(jobId);
      this.vmStem = Objects.requireNonNull(vmStem);
      this.outputDir = outputDir.toAbsolutePath().normalize();
    }

    public Builder manifestName(String v) { this.manifestName = v; return this; }
    public Builder stagingDir(Path v) { this.stagingDir = v.toAbsolutePath().normalize(); return this; }
    public Builder primaryFileName(String v) { this.primaryFileName = v; return this; }
    public Builder outFormat(String v) { this.outFormat = Objects.requireNonNull(v); return this; }
    public Builder compress(boolean v) { this.compress = v; return this; }
    public Builder dryRun(boolean v) { this.dryRun = v; return this; }
    /** Off when the caller has already checked the sources against their manifest checksums. */
    public Builder verifySources(boolean v) { this.verifySources = v; return this; }
    public Builder events(ConversionEvents v) { this.events = Objects.requireNonNull(v); return this; }
    /** Flags that win over the manifest's {@code pipeline.boot_check}. */
    public Builder bootCheckOverride(Pipeline.BootCheck v) { this.bootCheckOverride = Objects.requireNonNull(v); return this; }
    /** What applies where the manifest's {@code pipeline.boot_check} says nothing: the daemon's settings. */
    public Builder bootCheckDefaults(Pipeline.BootCheck v) { this.bootCheckDefaults = Objects.requireNonNull(v); return this; }

    /** False to convert every disk with qemu-img ({@code converter: qemu-img}). */
    public Builder nativeConverter(boolean v) { this.nativeConverter = v; return this; }

    public ConversionRequest build() {
      Path staging = stagingDir != null ? stagingDir : QueueLayout.workDir(outputDir).resolve(jobId);
      return new ConversionRequest(manifest, manifestName, jobId, vmStem, outputDir, staging, primaryFileName,
          outFormat, compress, dryRun, verifySources, events, bootCheckOverride, bootCheckDefaults,
          nativeConverter);
    }
  }
}
