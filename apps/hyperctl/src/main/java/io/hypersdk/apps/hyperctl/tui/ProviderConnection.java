package io.hypersdk.apps.hyperctl.tui;

import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderFactory;
import io.hypersdk.providers.ProviderSettings;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens the provider the Connect step describes, through the providers' one settings builder; a wrong or
 * missing value is the builder's one line naming the setting. A typed password is the provider's secret
 * setting, held in memory only; it is never shown, stored or put on a command line.
 */
final class ProviderConnection {
  private ProviderConnection() {}

  static Provider open(WizardModel m) throws ProviderException {
    ProviderFactory f = m.factory();
    String root = m.settings().getOrDefault("root", "");
    // The local provider would only say it cannot list a missing folder; say what is wrong instead.
    if (WizardModel.LOCAL.equals(m.provider) && !root.isBlank() && !Files.isDirectory(Path.of(root.strip()))) {
      throw new ProviderException(ProviderException.Kind.INVALID_REQUEST,
          Path.of(root.strip()).toAbsolutePath().normalize() + " is not a folder");
    }
    return f.open(ProviderSettings.builder(f).setAll(m.settings()).build(System.getenv()));
  }
}
