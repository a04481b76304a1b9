package io.hypersdk.providers.vsphere;

import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderFactory;
import io.hypersdk.providers.ProviderSettings;

/** Registers the {@code vsphere} provider. */
public final class VsphereProviderFactory implements ProviderFactory {
  @Override
  public String name() {
    return "vsphere";
  }

  @Override
  public String description() {
    return "VMs of a vCenter or ESXi host, exported through NFC";
  }

  @Override
  public Provider open(ProviderSettings settings) throws ProviderException {
    return VsphereProvider.connect(VsphereSettings.from(settings, System.getenv()));
  }
}
