package io.hypersdk.providers.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.util.Configuration;
import com.azure.identity.AzureCliCredentialBuilder;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.EnvironmentCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import io.hypersdk.providers.ProviderException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Set;

/** Builds the azure-identity credential the settings name; a secret is read from its file, never from a flag. */
final class AzureCredentials {
  /** The sign-in hosts of Azure's public and sovereign clouds, which MSAL validates itself. */
  private static final Set<String> PUBLIC_AUTHORITIES = Set.of("login.microsoftonline.com", "login.windows.net",
      "login.microsoft.com", "sts.windows.net", "login.chinacloudapi.cn", "login.partner.microsoftonline.cn",
      "login.microsoftonline.us", "login.usgovcloudapi.net", "login.microsoftonline.de");

  private AzureCredentials() {}

  static TokenCredential of(AzureConfig c) throws ProviderException {
    return switch (c.credential()) {
      case "environment" -> new EnvironmentCredentialBuilder().build();
      case "client-secret" -> {
        var b = new ClientSecretCredentialBuilder().tenantId(c.tenantId()).clientId(c.clientId())
            .clientSecret(secret(c));
        yield (privateAuthority() ? b.disableInstanceDiscovery() : b).build();
      }
      case "certificate" -> {
        var b = new ClientCertificateCredentialBuilder().tenantId(c.tenantId()).clientId(c.clientId())
            .pemCertificate(readable(c.clientCertificate().toString(), "--client-certificate"));
        yield (privateAuthority() ? b.disableInstanceDiscovery() : b).build();
      }
      case "managed-identity" -> c.clientId() == null ? new ManagedIdentityCredentialBuilder().build()
          : new ManagedIdentityCredentialBuilder().clientId(c.clientId()).build();
      case "azure-cli" -> new AzureCliCredentialBuilder().build();
      default -> new DefaultAzureCredentialBuilder().build();
    };
  }

  /**
   * True when AZURE_AUTHORITY_HOST (read where azure-identity reads it) names a sign-in host outside Azure's public
   * and sovereign clouds, e.g. Azure Stack or a private cloud. MSAL would validate such an authority through
   * login.microsoftonline.com, which does not know it, so the sign-in could never succeed; azure-identity's
   * disableInstanceDiscovery is the documented setting for these clouds.
   */
  static boolean privateAuthority() {
    String host = Configuration.getGlobalConfiguration().get(Configuration.PROPERTY_AZURE_AUTHORITY_HOST);
    if (host == null || host.isBlank()) {
      return false;
    }
    try {
      String name = URI.create(host.strip()).getHost();
      return name != null && !PUBLIC_AUTHORITIES.contains(name.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      // Not a URL: azure-identity refuses it with its own message.
      return false;
    }
  }

  private static String secret(AzureConfig c) throws ProviderException {
    try {
      String s = Files.readString(c.clientSecretFile(), StandardCharsets.UTF_8).strip();
      if (s.isEmpty()) {
        throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "--client-secret-file "
            + c.clientSecretFile() + " is empty");
      }
      return s;
    } catch (IOException e) {
      throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "cannot read --client-secret-file "
          + c.clientSecretFile() + ": " + e.getMessage());
    }
  }

  private static String readable(String path, String flag) throws ProviderException {
    if (!Files.isReadable(java.nio.file.Path.of(path))) {
      throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "cannot read " + flag + " " + path);
    }
    return path;
  }
}
