package io.hypersdk.apps.hyperctl.tui;

import io.hypersdk.convert.testing.TestDisks;
import io.hypersdk.convert.testing.Tools;
import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.Providers;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A local provider folder with three small VMs: {@code web01.ova} (one streamOptimized VMDK, packed by the
 * local provider), and the disk images {@code web02.vmdk} and {@code db01.vmdk}.
 */
final class SampleVms {
  private SampleVms() {}

  /** Builds the VMs in {@code dir}; returns the folder to give the local provider. */
  static Path build(Path dir) throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    Path raw = Files.createDirectories(dir.resolve("raw"));
    Path vms = Files.createDirectories(dir.resolve("vms"));
    Path web01 = TestDisks.as(TestDisks.raw(raw, "web01", 8, 21), "vmdk", "subformat=streamOptimized", "vmdk");
    Path pack = dir.resolve("pack");
    try (Provider p = Providers.discover().get("local").open(ProviderSettings.empty())) {
      p.export(new ExportRequest(web01.toString(), pack, ExportFormat.OVA), ExportProgress.NONE);
    }
    Files.move(pack.resolve("web01.ova"), vms.resolve("web01.ova"));
    for (String name : new String[] {"web02", "db01"}) {
      Path vmdk = TestDisks.as(TestDisks.raw(raw, name, 4, name.hashCode()), "vmdk", "subformat=streamOptimized",
          "vmdk");
      Files.move(vmdk, vms.resolve(name + ".vmdk"));
    }
    return vms;
  }
}
