package io.hypersdk.providers.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.AzureCliCredentialBuilder;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.EnvironmentCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import io.hypersdk.providers.ProviderException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/** Builds the azure-identity credential the settings name; a secret is read from its file, never from a flag. */
final class AzureCredentials {
  private AzureCredentials() {}

  static TokenCredential of(AzureConfig c) throws ProviderException {
    return switch (c.credential()) {
      case "environment" -> new EnvironmentCredentialBuilder().build();
      case "client-secret" -> new ClientSecretCredentialBuilder().tenantId(c.tenantId()).clientId(c.clientId())
          .clientSecret(secret(c)).build();
      case "certificate" -> new ClientCertificateCredentialBuilder().tenantId(c.tenantId()).clientId(c.clientId())
          .pemCertificate(readable(c.clientCertificate().toString(), "--client-certificate")).build();
      case "managed-identity" -> c.clientId() == null ? new ManagedIdentityCredentialBuilder().build()
          : new ManagedIdentityCredentialBuilder().clientId(c.clientId()).build();
      case "azure-cli" -> new AzureCliCredentialBuilder().build();
      default -> new DefaultAzureCredentialBuilder().build();
    };
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
