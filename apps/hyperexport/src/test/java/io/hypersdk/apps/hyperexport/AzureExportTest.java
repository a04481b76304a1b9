package io.hypersdk.apps.hyperexport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hypersdk.providers.azure.testing.AzureFixture;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.Tools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * hyperexport --provider azure as a real process against WireMock answering as ARM and Azurite serving the
 * snapshots: the bad-input table, Ctrl-C while a grant is pending, and a VM with an OS disk and a data disk through
 * the queue daemon's azure-batch instance to qcow2.
 */
@Timeout(600)
class AzureExportTest {
  private static final String SNAPSHOTS = "/subscriptions/" + AzureFixture.SUBSCRIPTION + "/resourceGroups/"
      + AzureFixture.GROUP + "/providers/Microsoft.Compute/snapshots/[^/]+";

  @TempDir
  Path work;
  Launcher tools;
  AzureFixture azure;

  @BeforeEach
  void start() throws Exception {
    tools = new Launcher(work).pathFirst(AzureFixture.installAzCli(work.resolve("az-bin")));
    azure = new AzureFixture();
  }

  @AfterEach
  void stop() {
    tools.close();
    azure.close();
  }

  private List<String> azure(String... more) {
    List<String> a = new ArrayList<>(List.of("--provider", "azure", "--subscription", AzureFixture.SUBSCRIPTION,
        "--credential", "azure-cli", "--arm-endpoint", azure.endpoint(), "--parallel", "4"));
    a.addAll(List.of(more));
    return a;
  }

  private Result run(List<String> args) {
    Result r = tools.hyperexport(args.toArray(String[]::new));
    assertNoSecret(r);
    return r;
  }

  private static void assertNoSecret(Result r) {
    assertThat(r.stdout() + r.stderr()).as("no token or SAS signature is shown: %s", r)
        .doesNotContain("test-token-not-real").doesNotContain("sig=");
    EndToEndTest.assertNoStackTrace(r);
  }

  /** One row of the bad-input table: what ARM answers, the command, the exit code and the line. */
  enum BadInput {
    UNKNOWN_VM(3, "hyperexport: VM web99 not found in subscription " + AzureFixture.SUBSCRIPTION + " (is it in "
        + "another subscription? set --subscription; or give its full resource id)", a -> { }, "--vm", "web99"),
    NOT_A_SUBSCRIPTION(2, "hyperexport: --subscription must be a subscription id (a GUID; az account list shows "
        + "them), not 'prod'", a -> { }, "--vm", "web01", "--subscription", "prod"),
    WRONG_CREDENTIALS(6, "hyperexport: Azure refused the credentials (InvalidAuthenticationToken) calling "
        + "Microsoft.Compute/virtualMachines/read: check --credential, --tenant-id and --client-id, or sign in again "
        + "(az login)", a -> a.armError("GET", ".*/virtualMachines", 401, "InvalidAuthenticationToken",
        "The access token is invalid."), "--vm", "web01"),
    MISSING_PERMISSION(12, "hyperexport: not allowed to call Microsoft.Compute/snapshots/beginGetAccess/action "
        + "(AuthorizationFailed): grant Microsoft.Compute/snapshots/beginGetAccess/action to these credentials' role "
        + "(docs/CONFIGURATION.md)", a -> a.armError("POST", SNAPSHOTS + "/beginGetAccess", 403,
        "AuthorizationFailed", "The client 'a1b2' with object id 'a1b2' does not have authorization to perform "
        + "action 'Microsoft.Compute/snapshots/beginGetAccess/action' over scope '/subscriptions/x' or the scope is "
        + "invalid."), "--vm", "web01"),
    BLOCKED_BY_POLICY(12, "hyperexport: Microsoft.Compute/snapshots/write is blocked by an Azure Policy assignment: "
        + "Resource 'snap' was disallowed by policy. Policy identifiers: '[{\"policyAssignment\":{\"name\":\"deny-"
        + "disk-export\"}}]'.", a -> a.armError("PUT", SNAPSHOTS, 403, "RequestDisallowedByPolicy",
        "Resource 'snap' was disallowed by policy. Policy identifiers: '[{\"policyAssignment\":{\"name\":\"deny-"
        + "disk-export\"}}]'."), "--vm", "web01"),
    QUOTA(13, "hyperexport: Microsoft.Compute/snapshots/write refused: a limit of the subscription was reached "
        + "(OperationNotAllowed: Operation could not be completed as it results in exceeding approved Total "
        + "Regional Snapshots quota.); delete unused snapshots or ask Azure for a higher quota",
        a -> a.armError("PUT", SNAPSHOTS, 409, "OperationNotAllowed", "Operation could not be completed as it "
        + "results in exceeding approved Total Regional Snapshots quota."), "--vm", "web01"),
    REGION_MISMATCH(15, "hyperexport: VM web01 is in westeurope, not in --location eastus: set --location westeurope "
        + "or leave it out", a -> { }, "--vm", "web01", "--location", "eastus"),
    ULTRA_DISK(3, "hyperexport: disk web01_OsDisk_1 of VM web01 is an Ultra disk (UltraSSD_LRS), which Azure cannot "
        + "snapshot for download: copy it to a Premium SSD first", a -> a.vm("Standard_D2s_v5", "V2",
        "PowerState/running", "UltraSSD_LRS", "Attached"), "--vm", "web01"),
    ACTIVE_SAS(3, "hyperexport: disk web01_OsDisk_1 of VM web01 (deallocated) is already exported through a SAS "
        + "(diskState ActiveSAS): end that export first (az disk revoke-access --ids ", a -> a.vm("Standard_D2s_v5",
        "V2", "PowerState/deallocated", "Premium_LRS", "ActiveSAS"), "--vm", "web01"),
    INTERRUPTED_NETWORK(14, "hyperexport: cannot reach the blob service calling Get Page Ranges of ", a -> { },
        "--vm", "web01", "--blob-endpoint", AzureFixture.unreachableBlobEndpoint());

    final int exit;
    final String line;
    final Consumer<AzureFixture> setUp;
    final String[] args;

    BadInput(int exit, String line, Consumer<AzureFixture> setUp, String... args) {
      this.exit = exit;
      this.line = line;
      this.setUp = setUp;
      this.args = args;
    }
  }

  @ParameterizedTest
  @EnumSource(BadInput.class)
  void badInputIsOneLineWithItsOwnExitCodeAndNothingIsLeftInAzure(BadInput bad) {
    bad.setUp.accept(azure);
    List<String> args = azure("--output", work.resolve("out").toString());
    args.addAll(List.of(bad.args));
    Result r = run(args);

    assertThat(r.exit()).as("%s", r).isEqualTo(bad.exit);
    assertThat(EndToEndTest.errorLines(r)).as("%s", r).singleElement().asString().startsWith(bad.line);
    assertThat(azure.snapshotsDeleted()).as("snapshots made are deleted\n%s", azure.journal())
        .isEqualTo(azure.snapshotsCreated());
    assertThat((long) azure.grantsEnded()).as("grants are ended\n%s", azure.journal())
        .isEqualTo(azure.snapshotsGranted());
    assertThat(EndToEndTest.names(work.resolve("out"))).as("no disk under a final name")
        .noneMatch(n -> n.endsWith(".vhd") || n.endsWith(".raw"));
  }

  @Test
  void ctrlCWhileAGrantIsPendingExits130EndsTheGrantAndDeletesTheSnapshots() {
    azure.slowGrant(1_000);
    Path out = work.resolve("out");
    Running running = tools.startHyperexport(azure("--vm", "web01", "--output", out.toString())
        .toArray(String[]::new));
    await("a grant under way").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
        .failFast("hyperexport ended early", () -> !running.process().isAlive())
        .until(() -> azure.grantsBegun() > 0);
    running.signal("INT");
    Result r = running.await(Duration.ofSeconds(60));

    assertThat(r.exit()).as("%s", r).isEqualTo(130);
    assertThat(EndToEndTest.errorLines(r)).as("%s", r).containsExactly("hyperexport: interrupted");
    assertNoSecret(r);
    assertThat(azure.snapshotsCreated()).isEqualTo(2);
    assertThat(azure.snapshotsDeleted()).as(azure.journal()).isEqualTo(2);
    assertThat((long) azure.grantsEnded()).as(azure.journal()).isEqualTo(azure.snapshotsGranted()).isPositive();
  }

  @Test
  void aVmWithAnOsAndADataDiskGoesThroughTheAzureBatchQueueInstanceToQcow2() throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    // The design's Scenario 2: a hyper2kvm@azure-batch instance, found by its name through its own config file.
    QueueDaemon d = tools.instance("azure-batch");
    Path out = work.resolve("export");

    // The disks hold random bytes, no OS: nothing for the fix stage to change. The VM is named by resource id.
    List<String> args = azure("--vm", AzureFixture.VM_ID, "--output", out.toString(), "--pipeline", "--no-fix",
        "--hyper2kvm-daemon", "--hyper2kvm-instance", "azure-batch", "--hyper2kvm-config-dir",
        work.resolve("etc").toString(), "--hyper2kvm-poll-interval", "0.2", "--json");
    Result r = tools.startHyperexport(args.toArray(String[]::new)).await(Duration.ofMinutes(6));
    assertNoSecret(r);

    assertThat(r.exit()).as("%s\n--- daemon ---\n%s", r, d.log()).isZero();
    EndToEndTest.assertConvertedByInstance(r, "azure-batch",
        azure.expectedDisk(AzureFixture.OS_DISK, work.resolve("os.expected")),
        azure.expectedDisk(AzureFixture.DATA_DISK, work.resolve("data.expected")));
    EndToEndTest.assertCloudManifest(out, "azure", "westeurope", "azure-snapshot-sas", 2, 8, "uefi",
        AzureFixture.MAC0);
    assertThat(azure.snapshotsDeleted()).isEqualTo(2);
    assertThat((long) azure.grantsEnded()).isEqualTo(azure.snapshotsGranted()).isEqualTo(2);
    assertThat(d.term()).isZero();
  }
}
