package io.hypersdk.manifest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Manifests for the tests: a small valid one to break one rule at a time, and one with every section. */
final class Manifests {
  static final String SHA_A = "sha256:" + "a".repeat(64);

  private Manifests() {}

  static Disk.Builder disk(String id) {
    return Disk.builder().id(id).sourceFormat("vmdk").bytes(1024).localPath("/exports/" + id + ".vmdk")
        .checksum(SHA_A).bootOrderHint(0).diskType("boot");
  }

  /** Valid under {@link ManifestValidator.FileChecks#NONE}: its disk file need not exist. */
  static ArtifactManifest valid() {
    return ArtifactManifest.builder()
        .source(new Source("vsphere", "vm-42", "web01", "DC1", "2026-01-31T12:00:00Z", "govc"))
        .vm(new VmSpec(4, 8, "bios", false, "linux", "Ubuntu 22.04"))
        .addDisk(disk("disk0").build())
        .addNic(new Nic("nic0", "00:50:56:AA:BB:01", "VM Network"))
        .build();
  }

  static ArtifactManifest valid(UnaryOperator<ArtifactManifest.Builder> change) {
    return change.apply(valid().toBuilder()).build();
  }

  /** One disk replaced by {@code change} applied to a builder of the valid disk. */
  static ArtifactManifest withDisk(UnaryOperator<Disk.Builder> change) {
    return valid(b -> b.disks(List.of(change.apply(disk("disk0")).build())));
  }

  static ArtifactManifest withVm(VmSpec vm) {
    return valid(b -> b.vm(vm));
  }

  /** Every section filled, a boot disk with hint 0 and a data disk without hint. */
  static ArtifactManifest full() {
    Map<String, Object> configuration = new LinkedHashMap<>();
    configuration.put("retries", 3);
    configuration.put("label", "nightly");
    configuration.put("nested", new LinkedHashMap<>(Map.of("enabled", true)));
    return ArtifactManifest.builder()
        .source(new Source("vsphere", "vm-42", "Web Server 01", "DC1", "2026-01-31T12:00:00Z", "govc"))
        .vm(new VmSpec(4, 8, "uefi", true, "windows", "Windows Server 2022"))
        .addDisk(disk("boot").bootOrderHint(0).build())
        .addDisk(Disk.builder().id("data-1").sourceFormat("vhdx").bytes(0).localPath("/exports/data-1.vhdx")
            .label("Hard disk 2").diskType("data").build())
        .addNic(new Nic("nic0", "00:50:56:aa:bb:01", "VM Network"))
        .addNic(new Nic("nic1", "00:50:56:aa:bb:02", "Backup"))
        .addNote("exported while powered off")
        .addWarning(new ExportWarning("export", "snapshot consolidated", "2026-01-31T11:59:00Z"))
        .metadata(new Metadata("0.1.0", "job-7", "2026-01-31T12:00:01Z", Map.of("team", "infra")))
        .pipeline(new Pipeline(new Pipeline.Inspect(true, false),
            new Pipeline.Fix(false, true, false, true, false, "stabilize-all", true),
            new Pipeline.Convert(true, true, 6), new Pipeline.Validate(true, true)))
        .configuration(configuration)
        .output(new Output("/var/lib/out", "qcow2", "web.qcow2"))
        .options(new Options(false, true, new Options.Report(true, "/var/lib/out/report.md")))
        .build();
  }
}
