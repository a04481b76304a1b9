package io.hypersdk.apps.hyperexport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hypersdk.providers.aws.testing.AwsFixture;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.Tools;
import java.nio.file.Files;
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
 * hyperexport --provider aws as a real process against WireMock answering as EC2 and EBS: the bad-input table,
 * Ctrl-C during the block download, and a two-volume instance through the queue daemon to qcow2.
 */
@Timeout(600)
class AwsExportTest {
  /** Not a real key: the SDK's default chain reads them from the environment, as on a user's machine. */
  private static final String SECRET = "test-secret-not-real-5f3a";

  @TempDir
  Path work;
  Launcher tools;
  AwsFixture aws;

  @BeforeEach
  void start() {
    tools = new Launcher(work).env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00").env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_EC2_METADATA_DISABLED", "true");
    aws = new AwsFixture();
  }

  @AfterEach
  void stop() {
    tools.close();
    aws.close();
  }

  private List<String> aws(String... more) {
    return awsIn("eu-west-1", more);
  }

  private List<String> awsIn(String region, String... more) {
    List<String> a = new ArrayList<>(List.of("--provider", "aws", "--region", region, "--endpoint-url",
        aws.endpoint(), "--parallel", "4"));
    a.addAll(List.of(more));
    return a;
  }

  private Result run(List<String> args) {
    Result r = tools.hyperexport(args.toArray(String[]::new));
    assertThat(r.stdout() + r.stderr()).as("the secret key is never shown: %s", r).doesNotContain(SECRET);
    EndToEndTest.assertNoStackTrace(r);
    return r;
  }

  /** One row of the bad-input table: what the emulator answers, the command, the exit code and the line. */
  enum BadInput {
    UNKNOWN_VM(3, "hyperexport: instance i-0000000000000dead not found in region eu-west-1 (is it in another "
        + "region? set --region or AWS_REGION)", a -> a.ec2Error("DescribeInstances", 400, "InvalidInstanceID.NotFound",
        "The instance ID 'i-0000000000000dead' does not exist"), "--vm", "i-0000000000000dead"),
    AMBIGUOUS_NAME(3, "hyperexport: instance name web01 is ambiguous in eu-west-1: " + AwsFixture.INSTANCE
        + " (running), " + AwsFixture.TWIN + " (stopped); use the instance id", AwsFixture::twin, "--vm", "web01"),
    WRONG_CREDENTIALS(6, "hyperexport: AWS refused the credentials (AuthFailure) calling ec2:DescribeInstances: check "
        + "--profile, AWS_PROFILE or the keys in the SDK's default credential chain", a -> a.ec2Error(
        "DescribeInstances", 401, "AuthFailure", "AWS was not able to validate the provided access credentials"),
        "--vm", "web01"),
    MISSING_PERMISSION(12, "hyperexport: not allowed to call ebs:GetSnapshotBlock (AccessDenied): add "
        + "ebs:GetSnapshotBlock to the IAM policy of these credentials (docs/CONFIGURATION.md)", a -> a.ebsError(
        AwsFixture.ROOT_SNAPSHOT, 0, 403, "AccessDeniedException", "not authorized", "UNAUTHORIZED_ACCOUNT"),
        "--vm", "web01"),
    MISSING_KMS_PERMISSION(12, "hyperexport: not allowed to decrypt the encrypted snapshot calling ebs:GetSnapshotBlock "
        + "(AccessDenied): add kms:Decrypt on the volume's KMS key to the IAM policy of these credentials "
        + "(docs/CONFIGURATION.md)", a -> a.ebsError(AwsFixture.DATA_SNAPSHOT, 3, 403, "AccessDeniedException",
        "KMS key not accessible", "DEPENDENCY_ACCESS_DENIED"), "--vm", "web01"),
    QUOTA(13, "hyperexport: ec2:CreateSnapshots refused: a limit of the account was reached (SnapshotLimitExceeded: "
        + "You have exceeded the maximum number of snapshots allowed.); delete unused snapshots or ask AWS for a "
        + "higher quota", a -> a.ec2Error("CreateSnapshots", 400, "SnapshotLimitExceeded", "You have exceeded the "
        + "maximum number of snapshots allowed."), "--vm", "web01"),
    UNKNOWN_REGION(2, "hyperexport: --region eu-wset-1 is not an AWS region (e.g. us-east-1, eu-west-1; aws ec2 "
        + "describe-regions lists them)", a -> { }, "--vm", "web01"),
    INTERRUPTED_NETWORK(14, "hyperexport: block 4 of " + AwsFixture.DATA_SNAPSHOT + " failed 4 times: cannot reach AWS "
        + "calling ebs:GetSnapshotBlock: ", a -> a.dropConnection(AwsFixture.DATA_SNAPSHOT, 4), "--vm", "web01"),
    ARM64(3, "hyperexport: instance " + AwsFixture.INSTANCE + " is arm64: the target is x86_64 KVM, so only x86_64 "
        + "instances can be exported", AwsFixture::arm64, "--vm", "web01");

    final int exit;
    final String line;
    final Consumer<AwsFixture> setUp;
    final String[] args;

    BadInput(int exit, String line, Consumer<AwsFixture> setUp, String... args) {
      this.exit = exit;
      this.line = line;
      this.setUp = setUp;
      this.args = args;
    }
  }

  @ParameterizedTest
  @EnumSource(BadInput.class)
  void badInputIsOneLineWithItsOwnExitCodeAndNoSnapshotIsLeft(BadInput bad) throws Exception {
    bad.setUp.accept(aws);
    List<String> args = awsIn(bad == BadInput.UNKNOWN_REGION ? "eu-wset-1" : "eu-west-1", "--output",
        work.resolve("out").toString());
    args.addAll(List.of(bad.args));
    Result r = run(args);

    assertThat(r.exit()).as("%s", r).isEqualTo(bad.exit);
    assertThat(EndToEndTest.errorLines(r)).as("%s", r).singleElement().asString().startsWith(bad.line);
    assertThat(aws.deletes(AwsFixture.ROOT_SNAPSHOT)).as("snapshots taken are deleted").isEqualTo(aws.snapshotsTaken());
    assertThat(aws.deletes(AwsFixture.DATA_SNAPSHOT)).isEqualTo(aws.snapshotsTaken());
    // A volume read in full before the failure stays, complete; the one that failed never gets its final name.
    for (String n : EndToEndTest.names(work.resolve("out"))) {
      if (n.endsWith(".raw")) {
        String snapshot = n.startsWith(AwsFixture.ROOT_VOLUME) ? AwsFixture.ROOT_SNAPSHOT : AwsFixture.DATA_SNAPSHOT;
        assertThat(Files.mismatch(work.resolve("out").resolve(n), aws.expectedDisk(snapshot,
            work.resolve(snapshot + ".expected")))).as("%s is complete", n).isEqualTo(-1L);
      }
    }
  }

  @Test
  void ctrlCDuringGetSnapshotBlockExits130DeletesTheSnapshotsAndLeavesNoDisk() {
    aws.slowBlocks(3_000);
    Path out = work.resolve("out");
    Running running = tools.startHyperexport(aws("--vm", "web01", "--output", out.toString())
        .toArray(String[]::new));
    await("a block download under way").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
        .failFast("hyperexport ended early", () -> !running.process().isAlive())
        .until(() -> EndToEndTest.names(out).stream().anyMatch(n -> n.endsWith(".raw.part"))
            && aws.blockRequests() > 0);
    running.signal("INT");
    Result r = running.await(Duration.ofSeconds(60));

    assertThat(r.exit()).as("%s", r).isEqualTo(130);
    assertThat(EndToEndTest.errorLines(r)).as("%s", r).containsExactly("hyperexport: interrupted");
    EndToEndTest.assertNoStackTrace(r);
    assertThat(aws.creates()).isEqualTo(1);
    assertThat(aws.deletes(AwsFixture.ROOT_SNAPSHOT)).as("%s", r).isEqualTo(1);
    assertThat(aws.deletes(AwsFixture.DATA_SNAPSHOT)).as("%s", r).isEqualTo(1);
    // What was flushed stays as NAME.raw.part with its journal, for the next run to resume from.
    assertThat(EndToEndTest.names(out)).as("no disk under its final name, no manifest").isNotEmpty()
        .allMatch(n -> n.endsWith(".raw.part") || n.endsWith(".raw.part.blocks"));
  }

  @Test
  void aTwoVolumeInstanceGoesThroughTheAwsProdQueueInstanceToQcow2() throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    // The design's Scenario 2: a hyper2kvm@aws-prod instance, found by its name through its own config file.
    QueueDaemon d = tools.instance("aws-prod");
    Path out = work.resolve("export");

    // The volumes hold random bytes, no OS: nothing for the fix stage to change.
    List<String> args = aws("--vm", AwsFixture.NAME, "--output", out.toString(), "--pipeline", "--no-fix",
        "--hyper2kvm-daemon", "--hyper2kvm-instance", "aws-prod", "--hyper2kvm-config-dir",
        work.resolve("etc").toString(), "--hyper2kvm-poll-interval", "0.2", "--json");
    // Two 1 GiB volumes are hashed whole three times (export, the daemon's check, conversion): slow on a busy CI.
    Result r = tools.startHyperexport(args.toArray(String[]::new)).await(Duration.ofMinutes(6));
    assertThat(r.stdout() + r.stderr()).as("the secret key is never shown: %s", r).doesNotContain(SECRET);
    EndToEndTest.assertNoStackTrace(r);

    assertThat(r.exit()).as("%s\n--- daemon ---\n%s", r, d.log()).isZero();
    EndToEndTest.assertConvertedByInstance(r, "aws-prod",
        aws.expectedDisk(AwsFixture.ROOT_SNAPSHOT, work.resolve("root.expected")),
        aws.expectedDisk(AwsFixture.DATA_SNAPSHOT, work.resolve("data.expected")));
    EndToEndTest.assertCloudManifest(out, "aws", "eu-west-1", "aws-ebs-direct", 2, 8, "uefi", AwsFixture.MAC0);
    assertThat(aws.deletes(AwsFixture.ROOT_SNAPSHOT)).isEqualTo(1);
    assertThat(aws.deletes(AwsFixture.DATA_SNAPSHOT)).isEqualTo(1);
    assertThat(d.term()).isZero();
  }
}
