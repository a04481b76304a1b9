package io.hypersdk.apps.hyperctl.tui;

import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderFactory;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.Providers;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens the provider the Connect step describes, through the providers' one settings builder. A typed password
 * is the provider's secret setting, held in memory only; it is never shown, stored or put on a command line.
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
      return providers.get(m.provider).open(ProviderSettings.builder(providers.get(m.provider))
          .set("root", root).build(System.getenv()));
    }
    ProviderFactory f = providers.get(m.provider);
    // A typed password stays in this process's memory: it goes to the provider as its secret setting.
    return f.open(ProviderSettings.builder(f)
        .set("url", m.vcenterUrl.strip())
        .set("username", m.username.strip())
        .set("insecure", m.insecure)
        .set("power_off", m.powerOff)
        .set("password", m.password)
        .set("password_file", m.password.isEmpty() ? m.passwordFile.strip() : null)
        .build(System.getenv()));
  }

  private static ProviderException invalid(String message) {
    return new ProviderException(ProviderException.Kind.INVALID_REQUEST, message);
  }
}
