package io.hypersdk.manifest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Artifact Manifest v1.0: what the exporter hands to the converter. Immutable; build one with
 * {@link #builder()} or read one with {@link ManifestIO}.
 */
public record ArtifactManifest(
    String manifestVersion,
    Source source,
    VmSpec vm,
    List<Disk> disks,
    List<Nic> nics,
    List<String> notes,
    List<ExportWarning> warnings,
    Metadata metadata,
    Pipeline pipeline,
    Map<String, Object> configuration,
    Output output,
    Options options) {

  /** The only version this library reads and writes. */
  public static final String VERSION = "1.0";

  public ArtifactManifest {
    disks = disks == null ? null : List.copyOf(disks);
    nics = nics == null ? null : List.copyOf(nics);
    notes = notes == null ? null : List.copyOf(notes);
    warnings = warnings == null ? null : List.copyOf(warnings);
    configuration = configuration == null ? null : new LinkedHashMap<>(configuration);
  }

  /** The VM name from {@code source.vm_name}, or null. */
  public String vmName() {
    return source == null ? null : source.vmName();
  }

  /** The job id from {@code metadata.job_id}, or null. */
  public String jobId() {
    return metadata == null ? null : metadata.jobId();
  }

  /** Pipeline settings with every absent section filled with its default. */
  public Pipeline effectivePipeline() {
    return Pipeline.withDefaults(pipeline);
  }

  /** Disks sorted by boot order hint, the boot disk first; equal hints keep manifest order. */
  public List<Disk> disksInBootOrder() {
    List<Disk> sorted = new ArrayList<>(disks == null ? List.of() : disks);
    sorted.sort((a, b) -> Integer.compare(a.effectiveBootOrderHint(), b.effectiveBootOrderHint()));
    return sorted;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.manifestVersion = manifestVersion;
    b.source = source;
    b.vm = vm;
    b.disks = disks == null ? new ArrayList<>() : new ArrayList<>(disks);
    b.nics = nics == null ? new ArrayList<>() : new ArrayList<>(nics);
    b.notes = notes == null ? new ArrayList<>() : new ArrayList<>(notes);
    b.warnings = warnings == null ? new ArrayList<>() : new ArrayList<>(warnings);
    b.metadata = metadata;
    b.pipeline = pipeline;
    b.configuration = configuration;
    b.output = output;
    b.options = options;
    return b;
  }

  /** Builder for {@link ArtifactManifest}; the version defaults to {@value #VERSION}. */
  public static final class Builder {
    private String manifestVersion = VERSION;
    private Source source;
    private VmSpec vm;
    private List<Disk> disks = new ArrayList<>();
    private List<Nic> nics = new ArrayList<>();
    private List<String> notes = new ArrayList<>();
    private List<ExportWarning> warnings = new ArrayList<>();
    private Metadata metadata;
    private Pipeline pipeline;
    private Map<String, Object> configuration;
    private Output output;
    private Options options;

    private Builder() {}

    public Builder manifestVersion(String v) { this.manifestVersion = v; return this; }
    public Builder source(Source v) { this.source = v; return this; }
    public Builder vm(VmSpec v) { this.vm = v; return this; }
    public Builder disks(List<Disk> v) { this.disks = new ArrayList<>(v); return this; }
    public Builder addDisk(Disk v) { this.disks.add(v); return this; }
    public Builder nics(List<Nic> v) { this.nics = new ArrayList<>(v); return this; }
    public Builder addNic(Nic v) { this.nics.add(v); return this; }
    public Builder addNote(String v) { this.notes.add(v); return this; }
    public Builder addWarning(ExportWarning v) { this.warnings.add(v); return this; }
    public Builder metadata(Metadata v) { this.metadata = v; return this; }
    public Builder pipeline(Pipeline v) { this.pipeline = v; return this; }
    public Builder configuration(Map<String, Object> v) { this.configuration = v; return this; }
    public Builder output(Output v) { this.output = v; return this; }
    public Builder options(Options v) { this.options = v; return this; }

    public ArtifactManifest build() {
      return new ArtifactManifest(manifestVersion, source, vm, disks, nics.isEmpty() ? null : nics,
          notes.isEmpty() ? null : notes, warnings.isEmpty() ? null : warnings, metadata, pipeline,
          configuration, output, options);
    }
  }
}
