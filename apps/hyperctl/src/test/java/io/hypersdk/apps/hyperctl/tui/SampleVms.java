package io.hypersdk.apps.hyperctl.tui;

import io.hypersdk.testing.SampleVms.SampleDisk;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A local provider folder with three small VMs: {@code web01.ova} (one streamOptimized VMDK), and the disk
 * images {@code web02.vmdk} and {@code db01.vmdk}.
 */
final class SampleVms {
  private SampleVms() {}

  /** Builds the VMs in {@code dir}; returns the folder to give the local provider. */
  static Path build(Path dir) throws Exception {
    Path vms = Files.createDirectories(dir.resolve("vms"));
    Path web01 = io.hypersdk.testing.SampleVms.ova(dir, "web01", 8, 21);
    Files.move(web01, vms.resolve("web01.ova"));
    for (String name : new String[] {"web02", "db01"}) {
      SampleDisk disk = io.hypersdk.testing.SampleVms.disk(dir, name, 4, name.hashCode());
      Files.move(disk.vmdk(), vms.resolve(name + ".vmdk"));
    }
    return vms;
  }
}
