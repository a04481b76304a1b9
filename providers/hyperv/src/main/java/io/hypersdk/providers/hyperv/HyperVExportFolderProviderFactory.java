package io.hypersdk.providers.hyperv;

import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderFactory;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.SettingSpec;
import java.nio.file.Path;
import java.util.List;

/** Registers the {@code hyperv-export} provider: folders that Hyper-V's Export-VM wrote, copied to this machine. */
public final class HyperVExportFolderProviderFactory implements ProviderFactory {
  static final String ROOT = "root";
  private static final List<SettingSpec> SETTINGS = List.of(SettingSpec.builder(ROOT, SettingSpec.Type.PATH)
      .defaultValue(".").flag("--source")
      .description("folder whose Export-VM folders are listed, and against which a relative VM is read").build());

  @Override
  public String name() {
    return "hyperv-export";
  }

  @Override
  public String title() {
    return "Hyper-V export folder";
  }

  @Override
  public String description() {
    return "a folder Hyper-V's Export-VM wrote (Virtual Machines, Virtual Hard Disks), copied to this machine";
  }

  @Override
  public List<SettingSpec> settings() {
    return SETTINGS;
  }

  @Override
  public Provider open(ProviderSettings settings) throws ProviderException {
    return new HyperVExportFolderProvider(Path.of(settings.get(ROOT).orElse(".")));
  }
}
