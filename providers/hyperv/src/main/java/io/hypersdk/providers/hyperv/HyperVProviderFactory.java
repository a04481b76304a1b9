package io.hypersdk.providers.hyperv;

import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderFactory;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.SettingSpec;
import io.hypersdk.providers.SettingSpec.Type;
import java.util.List;

/** Registers the {@code hyperv} provider: VMs of a Hyper-V host, read with PowerShell over SSH (SFTP) or WinRM. */
public final class HyperVProviderFactory implements ProviderFactory {
  static final String HOST = "host";
  static final String PORT = "port";
  static final String TRANSPORT = "transport";
  static final String USERNAME = "username";
  static final String KEY_FILE = "key_file";
  static final String PASSWORD = "password";
  static final String PASSWORD_FILE = "password_file";
  static final String KNOWN_HOSTS = "known_hosts";
  static final String HOST_KEY_FINGERPRINT = "host_key_fingerprint";
  static final String WINRM_CA_FILE = "winrm_ca_file";
  static final String WINRM_THUMBPRINT = "winrm_thumbprint";
  static final String POWER_OFF = "power_off";
  static final String SHUTDOWN_TIMEOUT = "shutdown_timeout";
  static final String NO_MERGE = "no_merge";
  static final String PARALLEL = "parallel";

  private static final List<SettingSpec> SETTINGS = List.of(
      SettingSpec.builder(HOST, Type.STRING).required().env("HYPERSDK_HYPERV_HOST").flag("--hyperv-host")
          .description("the Hyper-V host's name or address").build(),
      SettingSpec.builder(PORT, Type.INT).flag("--hyperv-port")
          .description("the host's SSH port (default " + HyperVConfig.DEFAULT_PORT + "), or its WinRM HTTPS port "
              + "(default " + HyperVConfig.DEFAULT_WINRM_PORT + ")").build(),
      SettingSpec.builder(TRANSPORT, Type.ENUM).choices(HyperVConfig.SSH, HyperVConfig.WINRM)
          .defaultValue(HyperVConfig.SSH)
          .description("ssh: PowerShell and SFTP through the host's OpenSSH server (Windows Server 2019+); winrm: "
              + "PowerShell through WinRM's HTTPS listener with Basic authentication, disks read in chunks").build(),
      SettingSpec.builder(USERNAME, Type.STRING).required().env("HYPERSDK_HYPERV_USER")
          .description("user name, a member of Hyper-V Administrators on the host").build(),
      SettingSpec.builder(KEY_FILE, Type.PATH)
          .description("SSH private key (OpenSSH or PEM format, without a passphrase) instead of a password").build(),
      SettingSpec.builder(PASSWORD, Type.STRING).secret().env("HYPERSDK_HYPERV_PASSWORD")
          .description("password; never a flag or a stored value: give password_file, or inline in a job").build(),
      SettingSpec.builder(PASSWORD_FILE, Type.PATH)
          .description("file whose first line is the password").build(),
      SettingSpec.builder(KNOWN_HOSTS, Type.PATH)
          .description("known_hosts file the host's key must be in (default: ~/.ssh/known_hosts)").build(),
      SettingSpec.builder(HOST_KEY_FINGERPRINT, Type.STRING)
          .description("trust only the host key with this fingerprint, SHA256:BASE64 as ssh-keygen -lf prints it")
          .build(),
      SettingSpec.builder(WINRM_CA_FILE, Type.PATH)
          .description("winrm: PEM or DER file of the CA that issued the listener's certificate (default: the "
              + "system CA store)").build(),
      SettingSpec.builder(WINRM_THUMBPRINT, Type.STRING)
          .description("winrm: trust only the listener certificate with this SHA-256 thumbprint, 64 hex digits")
          .build(),
      SettingSpec.builder(POWER_OFF, Type.BOOL).defaultValue("false")
          .description("shut a running VM down (Stop-VM; turned off hard after shutdown_timeout) before the "
              + "export; without it a running VM is refused").build(),
      SettingSpec.builder(SHUTDOWN_TIMEOUT, Type.INT)
          .defaultValue(Long.toString(HyperVConfig.DEFAULT_SHUTDOWN_TIMEOUT.toSeconds()))
          .description("seconds power_off waits for the guest to shut down").build(),
      SettingSpec.builder(NO_MERGE, Type.BOOL).defaultValue("false")
          .description("refuse a disk with checkpoints instead of merging its chain into a temporary VHDX on the "
              + "host with Convert-VHD").build(),
      SettingSpec.builder(PARALLEL, Type.INT).defaultValue(Integer.toString(HyperVConfig.DEFAULT_PARALLEL))
          .description("disk ranges read at once (SFTP sessions or WinRM shells), 1 to 32").build());

  @Override
  public String name() {
    return "hyperv";
  }

  @Override
  public String title() {
    return "Hyper-V";
  }

  @Override
  public String description() {
    return "VMs of a Hyper-V host, described by PowerShell and copied over SSH (SFTP) or WinRM (HTTPS)";
  }

  @Override
  public List<SettingSpec> settings() {
    return SETTINGS;
  }

  @Override
  public Provider open(ProviderSettings settings) throws ProviderException {
    return new HyperVProvider(HyperVConfig.from(settings, System.getenv()));
  }
}
