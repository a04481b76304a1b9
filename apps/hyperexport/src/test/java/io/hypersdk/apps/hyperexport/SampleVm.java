package io.hypersdk.apps.hyperexport;

import io.hypersdk.testing.SampleVms.SampleDisk;
import io.hypersdk.testing.SampleVms;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The sample VMs the tests export. {@code web01}: a 16 MiB boot disk and an 8 MiB data disk, as
 * streamOptimized VMDKs (what vSphere exports), packed into {@code web01.ova}; the folder it was packed in is
 * also a valid OVF folder. {@code db01}: one 8 MiB VMDK, a disk-image source.
 */
record SampleVm(Path webBootRaw, Path webDataRaw, Path webBootVmdk, Path webDataVmdk, Path ova, Path ovfFolder,
    Path dbRaw, Path dbVmdk) {

  static final String WEB = "web01";
  static final String DB = "db01";

  static SampleVm build(Path dir) throws IOException {
    SampleDisk webBoot = SampleVms.disk(dir, WEB, 16, 11);
    SampleDisk webData = SampleVms.disk(dir, WEB + "-data", 8, 12);
    SampleDisk db = SampleVms.disk(dir, DB, 8, 13);
    Path ovfFolder = dir.resolve("ova");
    Path ova = SampleVms.ova(ovfFolder, WEB, List.of(webBoot, webData));
    return new SampleVm(webBoot.raw(), webData.raw(), webBoot.vmdk(), webData.vmdk(), ova, ovfFolder, db.raw(),
        db.vmdk());
  }
}
