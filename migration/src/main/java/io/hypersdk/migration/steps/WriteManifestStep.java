package io.hypersdk.migration.steps;

import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.Disk;
import io.hypersdk.manifest.HyperSdkVersion;
import io.hypersdk.manifest.ManifestIO;
import io.hypersdk.manifest.Metadata;
import io.hypersdk.manifest.Nic;
import io.hypersdk.manifest.Output;
import io.hypersdk.manifest.Pipeline;
import io.hypersdk.manifest.Source;
import io.hypersdk.manifest.VmSpec;
import io.hypersdk.providers.ExportedDisk;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.NicInfo;
import io.hypersdk.providers.VmInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Builds the Artifact Manifest from an export and writes it to {@code OUTPUT/artifact-manifest.json}. The
 * boot disk gets hint 0 (kept on write), memory is rounded up to whole GiB, firmware and OS family use
 * the manifest's values, the job id is the run's own, and the pipeline section is what the request asks for.
 */
public final class WriteManifestStep {
  public static final String FILE_NAME = "artifact-manifest.json";

  /** The manifest of {@code export}, asking the converter for {@code stages} (its pipeline section). */
  public ArtifactManifest build(ExportedVm export, String provider, String jobId, Path outputDir, Pipeline stages) {
    VmInfo vm = export.vm();
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    ArtifactManifest.Builder b = ArtifactManifest.builder()
        .source(new Source(provider, vm.id(), vm.name(), vm.datacenter(), now, export.exportMethod()))
        .vm(new VmSpec(vm.cpu(), vm.memGb(), vm.firmware() == null ? "unknown" : vm.firmware(), vm.secureBoot(),
            vm.osHint() == null ? "unknown" : vm.osHint(), vm.osVersion()))
        .metadata(new Metadata(HyperSdkVersion.get(), jobId, now, null))
        .pipeline(stages)
        .output(new Output(outputDir.toAbsolutePath().toString(), "qcow2", null));
    for (ExportedDisk d : export.disks()) {
      b.addDisk(Disk.builder().id(d.id()).sourceFormat(d.format()).bytes(d.bytes()).localPath(d.path())
          .checksum(d.sha256()).bootOrderHint(d.bootOrderHint()).label(d.label())
          .diskType(d.bootOrderHint() == 0 ? "boot" : "data").build());
    }
    for (NicInfo n : vm.nics()) {
      b.addNic(new Nic(n.id(), n.mac(), n.network()));
    }
    for (String w : export.warnings()) {
      b.addWarning(new io.hypersdk.manifest.ExportWarning("export", w, now));
    }
    return b.build();
  }

  public Path write(ArtifactManifest manifest, Path outputDir) throws IOException {
    Path file = outputDir.resolve(FILE_NAME);
    ManifestIO.write(manifest, file);
    return file;
  }
}
