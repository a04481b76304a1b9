package io.hypersdk.providers.local;

import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderFactory;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.SettingSpec;
import java.nio.file.Path;
import java.util.List;

/** Registers the {@code local} provider. */
public final class LocalProviderFactory implements ProviderFactory {
  static final String ROOT = "root";
  private static final List<SettingSpec> SETTINGS = List.of(SettingSpec.builder(ROOT, SettingSpec.Type.PATH)
      .defaultValue(".").flag("--source")
      .description("folder whose OVAs, OVFs and disk images are listed, and against which a relative VM is read")
      .build());

  @Override
  public String name() {
    return "local";
  }

  @Override
  public String title() {
    return "Local";
  }

  @Override
  public String description() {
    return "an existing OVA, OVF folder or disk images (vmdk, vhd, vhdx, raw, qcow2) as the VM";
  }

  @Override
  public List<SettingSpec> settings() {
    return SETTINGS;
  }

  @Override
  public Provider open(ProviderSettings settings) {
    return new LocalProvider(Path.of(settings.get(ROOT).orElse(".")));
  }
}
