package io.hypersdk.providers.vsphere;

import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.vsphere.testing.Vcsim;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Opens the provider against a simulator the way hyperexport does: settings plus a password file. */
final class Sim {
  private Sim() {}

  static Map<String, String> settings(Vcsim sim, Path dir) throws IOException {
    Path pw = dir.resolve("vcenter.pw");
    Files.writeString(pw, Vcsim.PASSWORD + "\n");
    Map<String, String> m = new HashMap<>();
    m.put(VsphereSettings.URL, sim.url());
    m.put(VsphereSettings.USERNAME, Vcsim.USER);
    m.put(VsphereSettings.PASSWORD_FILE, pw.toString());
    return m;
  }

  static Provider open(Map<String, String> settings) throws ProviderException {
    return VsphereProvider.connect(VsphereSettings.from(new ProviderSettings(settings), Map.of()));
  }
}
