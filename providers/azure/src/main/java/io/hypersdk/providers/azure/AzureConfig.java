package io.hypersdk.providers.azure;

import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The azure provider's settings, checked: which subscription (and resource group, region), how to sign in,
 * where ARM and the blob service are, how many ranges at once and what disk format to write.
 */
record AzureConfig(String subscription, String resourceGroup, String location, String credential, String tenantId,
    String clientId, Path clientSecretFile, Path clientCertificate, URI arm, URI blobEndpoint, int parallel,
    String diskFormat) {
  static final String PUBLIC_ARM = "https://management.azure.com";
  static final String VHD = "vhd";
  static final String RAW = "raw";
  static final List<String> CREDENTIALS = List.of("default", "environment", "client-secret", "certificate",
      "managed-identity", "azure-cli");
  private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}");

  static AzureConfig from(ProviderSettings s, Map<String, String> env) throws ProviderException {
    String sub = s.get(AzureProviderFactory.SUBSCRIPTION).or(() -> nonBlank(env.get("AZURE_SUBSCRIPTION_ID")))
        .orElseThrow(() -> invalid("--subscription is required by provider azure (or set AZURE_SUBSCRIPTION_ID)"));
    if (!GUID.matcher(sub).matches()) {
      throw invalid("--subscription must be a subscription id (a GUID; az account list shows them), not '" + sub
          + "'");
    }
    String credential = s.get(AzureProviderFactory.CREDENTIAL).orElse("default");
    String tenant = s.get(AzureProviderFactory.TENANT_ID).or(() -> nonBlank(env.get("AZURE_TENANT_ID"))).orElse(null);
    String client = s.get(AzureProviderFactory.CLIENT_ID).or(() -> nonBlank(env.get("AZURE_CLIENT_ID"))).orElse(null);
    Path secret = s.get(AzureProviderFactory.CLIENT_SECRET_FILE).map(Path::of).orElse(null);
    Path cert = s.get(AzureProviderFactory.CLIENT_CERTIFICATE).map(Path::of).orElse(null);
    if (credential.equals("client-secret") && (secret == null || tenant == null || client == null)) {
      throw invalid("--credential client-secret needs --client-secret-file, --tenant-id and --client-id");
    }
    if (credential.equals("certificate") && (cert == null || tenant == null || client == null)) {
      throw invalid("--credential certificate needs --client-certificate, --tenant-id and --client-id");
    }
    URI arm = url("--arm-endpoint", s.get(AzureProviderFactory.ARM_ENDPOINT)
        .or(() -> nonBlank(env.get("AZURE_RESOURCE_MANAGER_ENDPOINT"))).orElse(PUBLIC_ARM));
    URI blob = s.get(AzureProviderFactory.BLOB_ENDPOINT).isPresent()
        ? url("--blob-endpoint", s.get(AzureProviderFactory.BLOB_ENDPOINT).get()) : null;
    int parallel = Integer.parseInt(s.get(AzureProviderFactory.PARALLEL)
        .orElse(Integer.toString(AzureProviderFactory.DEFAULT_PARALLEL)));
    if (parallel < 1 || parallel > 32) {
      throw invalid("--parallel must be 1 to 32, not " + parallel);
    }
    return new AzureConfig(sub, s.get(AzureProviderFactory.RESOURCE_GROUP).orElse(null),
        s.get(AzureProviderFactory.LOCATION).orElse(null), credential, tenant, client, secret, cert, arm, blob,
        parallel, s.get(AzureProviderFactory.DISK_FORMAT).orElse(VHD));
  }

  /** The OAuth scope of ARM tokens: the endpoint's own, so sovereign clouds get theirs. */
  String armScope() {
    String a = arm.toString().replaceAll("/+$", "");
    return a + "/.default";
  }

  private static URI url(String flag, String e) throws ProviderException {
    URI u;
    try {
      u = new URI(e.replaceAll("/+$", ""));
    } catch (URISyntaxException x) {
      u = null;
    }
    if (u == null || u.getHost() == null || !(e.startsWith("http://") || e.startsWith("https://"))) {
      throw invalid(flag + " must be an http(s) URL, not '" + e + "'");
    }
    return u;
  }

  private static Optional<String> nonBlank(String v) {
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }

  private static ProviderException invalid(String message) {
    return new ProviderException(ProviderException.Kind.INVALID_REQUEST, message);
  }
}
