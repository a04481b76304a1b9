package io.hypersdk.providers.azure;

import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderFactory;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.SettingSpec;
import io.hypersdk.providers.SettingSpec.Type;
import java.util.List;

/** Registers the {@code azure} provider: VMs exported through managed-disk snapshots read with a SAS grant. */
public final class AzureProviderFactory implements ProviderFactory {
  static final String SUBSCRIPTION = "subscription";
  static final String RESOURCE_GROUP = "resource_group";
  static final String LOCATION = "location";
  static final String CREDENTIAL = "credential";
  static final String TENANT_ID = "tenant_id";
  static final String CLIENT_ID = "client_id";
  static final String CLIENT_SECRET_FILE = "client_secret_file";
  static final String CLIENT_CERTIFICATE = "client_certificate";
  static final String ARM_ENDPOINT = "arm_endpoint";
  static final String BLOB_ENDPOINT = "blob_endpoint";
  static final String PARALLEL = "parallel";
  static final int DEFAULT_PARALLEL = 8;
  static final String DISK_FORMAT = "disk_format";

  private static final List<SettingSpec> SETTINGS = List.of(
      SettingSpec.builder(SUBSCRIPTION, Type.STRING).required().env("AZURE_SUBSCRIPTION_ID")
          .description("Azure subscription id of the VM").build(),
      SettingSpec.builder(RESOURCE_GROUP, Type.STRING)
          .description("resource group of the VM; without one, the VM is looked for in the whole subscription")
          .build(),
      SettingSpec.builder(LOCATION, Type.STRING)
          .description("Azure region the VM must be in, e.g. westeurope; a VM elsewhere is refused").build(),
      SettingSpec.builder(CREDENTIAL, Type.ENUM).choices(AzureConfig.CREDENTIALS.toArray(String[]::new))
          .defaultValue("default")
          .description("how to sign in: default (azure-identity's chain), environment (AZURE_CLIENT_ID, "
              + "AZURE_TENANT_ID and a secret or certificate), client-secret (--client-secret-file), certificate "
              + "(--client-certificate), managed-identity, azure-cli (az login)").build(),
      SettingSpec.builder(TENANT_ID, Type.STRING).env("AZURE_TENANT_ID")
          .description("Microsoft Entra tenant of the service principal (client-secret, certificate)").build(),
      SettingSpec.builder(CLIENT_ID, Type.STRING).env("AZURE_CLIENT_ID")
          .description("application (client) id of the service principal, or of a user-assigned managed identity")
          .build(),
      SettingSpec.builder(CLIENT_SECRET_FILE, Type.PATH)
          .description("file holding the service principal's client secret (credential client-secret)").build(),
      SettingSpec.builder(CLIENT_CERTIFICATE, Type.PATH)
          .description("PEM file holding the service principal's certificate and private key (credential "
              + "certificate)").build(),
      SettingSpec.builder(ARM_ENDPOINT, Type.STRING).defaultValue(AzureConfig.PUBLIC_ARM)
          .env("AZURE_RESOURCE_MANAGER_ENDPOINT")
          .description("Azure Resource Manager endpoint (sovereign clouds, tests); the token is asked for "
              + "ENDPOINT/.default").build(),
      SettingSpec.builder(BLOB_ENDPOINT, Type.STRING)
          .description("scheme, host and port that replace those of the snapshot's SAS URL (private endpoints, "
              + "tests)").build(),
      SettingSpec.builder(PARALLEL, Type.INT).defaultValue(Integer.toString(DEFAULT_PARALLEL))
          .description("page ranges fetched at once, 1 to 32").build(),
      SettingSpec.builder(DISK_FORMAT, Type.ENUM).choices(AzureConfig.VHD, AzureConfig.RAW)
          .defaultValue(AzureConfig.VHD)
          .description("vhd: fixed VHD as Azure stores it (the data and a 512-byte footer); raw: the data only")
          .build());

  @Override
  public String name() {
    return "azure";
  }

  @Override
  public String title() {
    return "Azure";
  }

  @Override
  public String description() {
    return "Azure VMs, exported through managed-disk snapshots read with a SAS grant while they keep running";
  }

  @Override
  public List<SettingSpec> settings() {
    return SETTINGS;
  }

  @Override
  public Provider open(ProviderSettings settings) throws ProviderException {
    AzureConfig config = AzureConfig.from(settings, System.getenv());
    return new AzureProvider(config, AzureCredentials.of(config));
  }
}
