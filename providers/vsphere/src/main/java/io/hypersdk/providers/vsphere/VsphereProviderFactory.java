package io.hypersdk.providers.vsphere;

import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderFactory;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.SettingSpec;
import io.hypersdk.providers.SettingSpec.Type;
import java.util.List;

/** Registers the {@code vsphere} provider. */
public final class VsphereProviderFactory implements ProviderFactory {
  private static final List<SettingSpec> SETTINGS = List.of(
      SettingSpec.builder(VsphereSettings.URL, Type.STRING).required().env("GOVC_URL").flag("--vcenter-url")
          .description("vCenter or ESXi, as host or https://host/sdk").build(),
      SettingSpec.builder(VsphereSettings.USERNAME, Type.STRING).required().env("GOVC_USERNAME", "GOVC_URL")
          .description("user name").build(),
      SettingSpec.builder(VsphereSettings.PASSWORD, Type.STRING).secret()
          .env("HYPERSDK_VSPHERE_PASSWORD", "GOVC_PASSWORD")
          .description("password; never a flag or a stored value: give password_file, or inline in a job").build(),
      SettingSpec.builder(VsphereSettings.PASSWORD_FILE, Type.PATH)
          .description("file whose first line is the password").build(),
      SettingSpec.builder(VsphereSettings.INSECURE, Type.BOOL).defaultValue("false").env("GOVC_INSECURE")
          .description("accept any TLS certificate").build(),
      SettingSpec.builder(VsphereSettings.CA_FILE, Type.PATH).env("GOVC_TLS_CA_CERTS")
          .description("trust the CA certificates in this PEM file").build(),
      SettingSpec.builder(VsphereSettings.THUMBPRINT, Type.STRING)
          .description("trust only the certificate with this SHA-256 thumbprint (for self-signed certificates)")
          .build(),
      SettingSpec.builder(VsphereSettings.POWER_OFF, Type.BOOL).defaultValue("false")
          .description("shut a running VM's guest down (hard power-off after shutdown_timeout) before the export; "
              + "without it a running VM is refused").build(),
      SettingSpec.builder(VsphereSettings.SHUTDOWN_TIMEOUT, Type.INT)
          .defaultValue(Long.toString(VsphereSettings.DEFAULT_SHUTDOWN_TIMEOUT.toSeconds()))
          .description("seconds power_off waits for the guest to shut down").build(),
      SettingSpec.builder(VsphereSettings.PARALLEL, Type.INT)
          .defaultValue(Integer.toString(VsphereSettings.DEFAULT_PARALLEL))
          .description("disks downloaded at once, 1 to 32").build());

  @Override
  public String name() {
    return "vsphere";
  }

  @Override
  public String title() {
    return "vSphere";
  }

  @Override
  public String description() {
    return "VMs of a vCenter or ESXi host, exported through NFC";
  }

  @Override
  public List<SettingSpec> settings() {
    return SETTINGS;
  }

  @Override
  public Provider open(ProviderSettings settings) throws ProviderException {
    return VsphereProvider.connect(VsphereSettings.from(settings, System.getenv()));
  }
}
