package io.hypersdk.providers.local;

import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderFactory;
import io.hypersdk.providers.ProviderSettings;
import java.nio.file.Path;

/** Registers the {@code local} provider. */
public final class LocalProviderFactory implements ProviderFactory {
  @Override
  public String name() {
    return "local";
  }

  @Override
  public String description() {
    return "an existing OVA, OVF folder or disk images (vmdk, vhd, vhdx, raw, qcow2) as the VM";
  }

  @Override
  public Provider open(ProviderSettings settings) {
    return new LocalProvider(Path.of(settings.get("root").orElse(".")));
  }
}
