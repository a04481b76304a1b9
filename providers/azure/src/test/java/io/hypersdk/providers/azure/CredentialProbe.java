package io.hypersdk.providers.azure;

import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lists the VMs of a subscription with the settings given as {@code key=value} arguments, in a JVM of its own: the
 * credentials azure-identity finds through the environment (managed identity's endpoint, the authority host) are
 * read from the process environment, which a test can set only for a child process.
 */
public final class CredentialProbe {
  private CredentialProbe() {}

  public static void main(String[] args) {
    Map<String, String> settings = new LinkedHashMap<>();
    for (String a : args) {
      settings.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
    }
    var factory = new AzureProviderFactory();
    try (Provider p = factory.open(ProviderSettings.builder(factory).setAll(settings).build(Map.of()))) {
      System.out.println("vms " + p.listVms().size());
    } catch (ProviderException e) {
      System.err.println("probe: " + e.getMessage());
      System.exit(3);
    }
  }
}
