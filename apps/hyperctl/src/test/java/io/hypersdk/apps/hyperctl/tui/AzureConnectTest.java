package io.hypersdk.apps.hyperctl.tui;

import static org.assertj.core.api.Assertions.assertThat;

import com.googlecode.lanterna.input.KeyType;
import io.hypersdk.providers.Providers;
import io.hypersdk.providers.SettingSpec;
import io.hypersdk.providers.azure.testing.AzureFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The azure provider in the wizard, made from its declared settings alone, against WireMock as ARM and Azurite:
 * a missing subscription is one line, and with subscription, credential and ARM endpoint the VM is listed and
 * carried to the confirm step.
 */
class AzureConnectTest extends WizardTest {
  @Test
  void azureFieldsComeFromItsSchemaAndListTheVm() throws Exception {
    List<SettingSpec> settings = Providers.discover().get("azure").settings();
    // azure-identity's AzureCliCredential runs az from PATH, which the module's surefire setup starts with this.
    AzureFixture.installAzCli(Path.of("target/test-bin"));
    try (AzureFixture azure = new AzureFixture();
        VirtualWizard w = VirtualWizard.local(vms, Files.createDirectories(work.resolve("etc")))) {
      w.shows("< local >");
      List<String> names = Providers.discover().names();
      for (int i = names.indexOf("azure"); i < names.indexOf("local"); i++) {
        w.key(KeyType.ArrowLeft);
      }
      String connect = w.shows("< azure >", "Subscription", "Resource group", "Credential", "ARM endpoint");
      for (SettingSpec s : settings) {
        assertThat(connect).containsPattern("(?m)^  " + SettingFields.label(s) + "( |$)");
      }
      if (System.getenv("AZURE_SUBSCRIPTION_ID") == null) {
        w.key(KeyType.Enter);
        w.shows("subscription: is required by provider azure", "step 1/7");
      }

      // Subscription; down past resource group and location to the credential (default -> azure-cli).
      w.key(KeyType.ArrowDown).type(AzureFixture.SUBSCRIPTION);
      w.key(KeyType.ArrowDown).key(KeyType.ArrowDown).key(KeyType.ArrowDown).key(KeyType.ArrowLeft);
      w.shows("< azure-cli >");
      // Down past tenant, client id, secret file and certificate to the ARM endpoint.
      for (int i = 0; i < 5; i++) {
        w.key(KeyType.ArrowDown);
      }
      w.type(azure.endpoint());
      w.shows(azure.endpoint() + "_", "ARM endpoint: Azure Resource Manager endpoint");
      w.key(KeyType.Enter);
      String list = w.shows("step 2/7: Pick VMs", AzureFixture.NAME);
      assertThat(list).containsPattern("web01 +running +2 +8192 MiB +2 ");

      w.type(" ").key(KeyType.Enter);
      w.shows("step 3/7");
      w.type(work.resolve("out").toString()).key(KeyType.Enter);
      w.shows("step 4/7");
      w.key(KeyType.Enter);
      w.shows("step 5/7: Confirm", "Provider:  azure", "VMs:       web01");
      w.type("q");
      assertThat(w.awaitExit()).isZero();
    }
  }
}
