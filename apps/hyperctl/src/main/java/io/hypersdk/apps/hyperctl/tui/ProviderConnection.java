package io.hypersdk.apps.hyperctl.tui;

import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.Providers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Opens the provider the Connect step describes. The vSphere provider takes its password only from a file
 * (never from settings, which may be shown), so a typed password goes into a file only this user can read,
 * deleted as soon as the provider has read it.
 */
final class ProviderConnection {
  private ProviderConnection() {}

  static Provider open(WizardModel m) throws ProviderException {
    Providers providers = Providers.discover();
    if (WizardModel.LOCAL.equals(m.provider)) {
      if (m.source.isBlank()) {
        throw invalid("give the folder that holds the OVAs, OVFs or disk images");
      }
      Path root = Path.of(m.source.strip()).toAbsolutePath().normalize();
      if (!Files.isDirectory(root)) {
        throw invalid(root + " is not a folder");
      }
      return providers.get(m.provider).open(new ProviderSettings(Map.of("root", root.toString())));
    }
    Map<String, String> s = new LinkedHashMap<>();
    s.put("url", m.vcenterUrl.strip());
    s.put("username", m.username.strip());
    if (m.insecure) {
      s.put("insecure", "true");
    }
    if (m.powerOff) {
      s.put("power-off", "true");
    }
    if (!m.password.isEmpty()) {
      return openWithTypedPassword(providers, s, m.password);
    }
    if (!m.passwordFile.isBlank()) {
      s.put("password-file", Path.of(m.passwordFile.strip()).toAbsolutePath().toString());
    }
    return providers.get(m.provider).open(new ProviderSettings(s));
  }

  private static Provider openWithTypedPassword(Providers providers, Map<String, String> s, String password)
      throws ProviderException {
    Path file;
    try {
      file = Files.createTempFile("hyperctl-", ".pw", PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
    } catch (IOException e) {
      throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "cannot hand the password to the provider: "
          + e.getMessage());
    }
    try {
      Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
      s.put("password-file", file.toString());
      return providers.get(WizardModel.VSPHERE).open(new ProviderSettings(s));
    } catch (IOException e) {
      throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "cannot hand the password to the provider: "
          + e.getMessage());
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // The file is owner-only in the temp folder; nothing better can be done here.
      }
    }
  }

  private static ProviderException invalid(String message) {
    return new ProviderException(ProviderException.Kind.INVALID_REQUEST, message);
  }
}
