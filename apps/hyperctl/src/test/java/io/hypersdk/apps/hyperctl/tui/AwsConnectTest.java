package io.hypersdk.apps.hyperctl.tui;

import static org.assertj.core.api.Assertions.assertThat;

import com.googlecode.lanterna.input.KeyType;
import io.hypersdk.providers.Providers;
import io.hypersdk.providers.SettingSpec;
import io.hypersdk.providers.aws.testing.AwsFixture;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The aws provider in the wizard, against a WireMock stand-in for EC2 and EBS: the Connect step's fields are
 * aws's declared settings, a missing region is one line, and with region and endpoint the instance is listed
 * (state, vCPUs, memory, volumes) and carried to the confirm step.
 */
class AwsConnectTest extends WizardTest {
  private static final String ACCESS_KEY = "aws.accessKeyId";
  private static final String SECRET_KEY = "aws.secretAccessKey";

  @BeforeAll
  static void credentials() {
    // The SDK's default chain reads these system properties first; no real account is reached.
    System.setProperty(ACCESS_KEY, "AKIAEXAMPLEEXAMPLE00");
    System.setProperty(SECRET_KEY, "test-secret-not-real");
  }

  @AfterAll
  static void noCredentials() {
    System.clearProperty(ACCESS_KEY);
    System.clearProperty(SECRET_KEY);
  }

  @Test
  void awsFieldsComeFromItsSchemaAndListTheInstances() throws Exception {
    List<SettingSpec> settings = Providers.discover().get("aws").settings();
    try (AwsFixture aws = new AwsFixture();
        VirtualWizard w = VirtualWizard.local(vms, Files.createDirectories(work.resolve("etc")))) {
      w.shows("< local >");
      // local -> aws (the providers are in name order: aws, ..., local, vsphere).
      List<String> names = Providers.discover().names();
      for (int i = names.indexOf("aws"); i < names.indexOf("local"); i++) {
        w.key(KeyType.ArrowLeft);
      }
      String connect = w.shows("< aws >", "Region", "Profile", "Role ARN", "Endpoint URL", "Parallel");
      for (SettingSpec s : settings) {
        assertThat(connect).containsPattern("(?m)^  " + SettingFields.label(s) + "( |$)");
      }
      assertThat(connect).doesNotContain("Secret settings are masked");

      // A region is required (unless AWS_REGION is set for the test run).
      if (System.getenv("AWS_REGION") == null && System.getenv("AWS_DEFAULT_REGION") == null) {
        w.key(KeyType.Enter);
        w.shows("region: is required by provider aws", "step 1/7");
      }

      // Region, then down past profile and role ARN to the endpoint.
      w.key(KeyType.ArrowDown).type("eu-west-1");
      w.shows("AWS region of the instance");
      w.key(KeyType.ArrowDown).key(KeyType.ArrowDown).key(KeyType.ArrowDown).type(aws.endpoint());
      w.shows(aws.endpoint() + "_", "Endpoint URL: one endpoint for EC2 and EBS");
      w.key(KeyType.Enter);
      String list = w.shows("step 2/7: Pick VMs", AwsFixture.NAME, AwsFixture.INSTANCE);
      assertThat(list).containsPattern("web01 +running +2 +8192 MiB +2  " + AwsFixture.INSTANCE);

      w.type(" ").key(KeyType.Enter);
      w.shows("step 3/7");
      w.type(work.resolve("out").toString()).key(KeyType.Enter);
      w.shows("step 4/7");
      w.key(KeyType.Enter);
      w.shows("step 5/7: Confirm", "Provider:  aws, region eu-west-1, endpoint_url " + aws.endpoint(),
          "VMs:       web01");
      w.type("q");
      assertThat(w.awaitExit()).isZero();
    }
  }
}
