package io.hypersdk.apps.hypervisord;

import io.hypersdk.convert.testing.TestDisks;
import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.Providers;
import java.nio.file.Files;
import java.nio.file.Path;

/** A small sample VM, {@code web01.ova}: one 8 MiB streamOptimized VMDK, packed by the local provider. */
public final class SampleOva {
  public static final String VM = "web01";

  private SampleOva() {}

  public static Path build(Path dir) throws Exception {
    Path raw = TestDisks.raw(Files.createDirectories(dir.resolve("raw")), VM, 8, 21);
    Path vmdk = TestDisks.as(raw, "vmdk", "subformat=streamOptimized", "vmdk");
    Path out = dir.resolve("ova");
    try (Provider p = Providers.discover().get("local").open(ProviderSettings.empty())) {
      p.export(new ExportRequest(vmdk.toString(), out, ExportFormat.OVA), ExportProgress.NONE);
    }
    return out.resolve(VM + ".ova");
  }
}
