package io.hypersdk.apps.hyperexport;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.convert.testing.TestDisks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sample VMs the tests export. {@code web01}: a 16 MiB boot disk and an 8 MiB data disk, as
 * streamOptimized VMDKs (what vSphere exports), packed into {@code web01.ova} by hyperexport itself; the
 * folder it was packed in is also a valid OVF folder. {@code db01}: one 8 MiB VMDK, a disk-image source.
 */
record SampleVm(Path webBootRaw, Path webDataRaw, Path webBootVmdk, Path webDataVmdk, Path ova, Path ovfFolder,
    Path dbRaw, Path dbVmdk) {

  static final String WEB = "web01";
  static final String DB = "db01";

  static SampleVm build(Path dir) throws IOException {
    Path raw = Files.createDirectories(dir.resolve("raw"));
    Path webBootRaw = TestDisks.raw(raw, WEB, 16, 11);
    Path webDataRaw = TestDisks.raw(raw, WEB + "-data", 8, 12);
    Path dbRaw = TestDisks.raw(raw, DB, 8, 13);
    Path webBoot = streamOptimized(webBootRaw);
    Path webData = streamOptimized(webDataRaw);
    Path db = streamOptimized(dbRaw);
    Path ovfFolder = dir.resolve("ova");
    try (Launcher launcher = new Launcher(dir)) {
      Result r = launcher.hyperexport("--provider", "local", "--vm", webBoot + "," + webData,
          "--output", ovfFolder.toString(), "--format", "ova", "--manifest", "-q");
      assertThat(r.exit()).as("packing the sample OVA: %s", r).isZero();
    }
    Path ova = ovfFolder.resolve(WEB + ".ova");
    assertThat(ova).isRegularFile();
    assertThat(ovfFolder.resolve(WEB + ".ovf")).isRegularFile();
    return new SampleVm(webBootRaw, webDataRaw, webBoot, webData, ova, ovfFolder, dbRaw, db);
  }

  /** raw/NAME.raw to vmdk/NAME.vmdk, so the VM is named NAME. */
  private static Path streamOptimized(Path raw) throws IOException {
    Path vmdk = TestDisks.as(raw, "vmdk", "subformat=streamOptimized", "vmdk");
    Path target = Files.createDirectories(raw.getParent().resolveSibling("vmdk")).resolve(vmdk.getFileName());
    return Files.move(vmdk, target);
  }
}
