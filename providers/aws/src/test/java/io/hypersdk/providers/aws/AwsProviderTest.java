package io.hypersdk.providers.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.Providers;
import io.hypersdk.providers.VmInfo;
import io.hypersdk.providers.aws.testing.AwsFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AwsProviderTest {
  @TempDir
  Path tmp;
  AwsFixture aws;
  Provider provider;

  @BeforeAll
  static void credentials() {
    // The SDK's default chain reads these system properties first; no real account is reached.
    System.setProperty("aws.accessKeyId", "AKIAEXAMPLEEXAMPLE00");
    System.setProperty("aws.secretAccessKey", "test-secret-not-real");
  }

  @BeforeEach
  void start() throws Exception {
    aws = new AwsFixture();
    var factory = Providers.discover().get("aws");
    provider = factory.open(ProviderSettings.builder(factory).set("region", "eu-west-1")
        .set("endpoint_url", aws.endpoint()).set("parallel", 4).build(Map.of()));
  }

  @AfterEach
  void stop() throws Exception {
    provider.close();
    aws.close();
  }

  @Test
  void describesTheInstanceByIdOrNameWithTypeBootModeVolumesAndEnis() throws Exception {
    VmInfo byName = provider.vmInfo(AwsFixture.NAME);
    VmInfo vm = provider.vmInfo(AwsFixture.INSTANCE);
    assertThat(byName).isEqualTo(vm);
    assertThat(vm.id()).isEqualTo(AwsFixture.INSTANCE);
    assertThat(vm.name()).isEqualTo("web01");
    assertThat(vm.datacenter()).isEqualTo("eu-west-1");
    assertThat(vm.cpu()).isEqualTo(2);
    assertThat(vm.memoryMiB()).isEqualTo(8192);
    assertThat(vm.firmware()).isEqualTo("uefi");
    assertThat(vm.powerState()).isEqualTo("running");
    assertThat(vm.osHint()).isEqualTo("linux");
    assertThat(vm.disks()).extracting(d -> d.id() + " " + d.label() + " " + d.capacityBytes()).containsExactly(
        AwsFixture.ROOT_VOLUME + " /dev/xvda 1073741824", AwsFixture.DATA_VOLUME + " /dev/sdf 1073741824");
    assertThat(vm.nics()).extracting(n -> n.id() + " " + n.mac()).containsExactly("eni-0aaa " + AwsFixture.MAC0,
        "eni-0bbb " + AwsFixture.MAC1);
    assertThat(provider.listVms()).singleElement().satisfies(s -> {
      assertThat(s.path()).isEqualTo(AwsFixture.INSTANCE);
      assertThat(s.disks()).isEqualTo(2);
    });
  }

  @Test
  void exportsEveryVolumeAsASparseRawDiskAndDeletesTheSnapshots() throws Exception {
    AtomicLong advanced = new AtomicLong();
    AtomicLong total = new AtomicLong();
    ExportedVm x = provider.export(new ExportRequest(AwsFixture.NAME, tmp.resolve("out"), ExportFormat.OVF),
        new io.hypersdk.providers.ExportProgress() {
          @Override
          public void start(long totalBytes) {
            total.set(totalBytes);
          }

          @Override
          public void advance(long bytes) {
            advanced.addAndGet(bytes);
          }
        });
    assertThat(x.exportMethod()).isEqualTo("aws-ebs-direct");
    assertThat(x.disks()).extracting(d -> d.id() + " " + d.format() + " " + d.bootOrderHint()).containsExactly(
        AwsFixture.ROOT_VOLUME + " raw 0", AwsFixture.DATA_VOLUME + " raw 1");
    assertThat(total.get()).isEqualTo(6L * AwsFixture.BLOCK).isEqualTo(advanced.get());
    for (var d : x.disks()) {
      Path got = Path.of(d.path());
      String snap = d.id().equals(AwsFixture.ROOT_VOLUME) ? AwsFixture.ROOT_SNAPSHOT : AwsFixture.DATA_SNAPSHOT;
      Path want = aws.expectedDisk(snap, tmp.resolve(snap + ".expected"));
      assertThat(Files.mismatch(got, want)).isEqualTo(-1L);
      assertThat(d.bytes()).isEqualTo(AwsFixture.VOLUME_BYTES);
      assertThat(d.sha256()).isEqualTo("sha256:" + sha256(got));
      // Sparse: only the listed blocks take space.
      assertThat(allocatedBytes(got)).isLessThan(64L << 20);
    }
    assertThat(aws.deletes(AwsFixture.ROOT_SNAPSHOT)).isEqualTo(1);
    assertThat(aws.deletes(AwsFixture.DATA_SNAPSHOT)).isEqualTo(1);
    try (var files = Files.list(tmp.resolve("out"))) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
          AwsFixture.ROOT_VOLUME + ".raw", AwsFixture.DATA_VOLUME + ".raw");
    }
  }

  @Test
  void aBlockWhoseChecksumNeverMatchesIsRetriedThenFailsTheExportAndTheSnapshotsAreDeleted() throws Exception {
    aws.corrupt(AwsFixture.DATA_SNAPSHOT, 4);
    assertThatThrownBy(() -> provider.export(new ExportRequest(AwsFixture.INSTANCE, tmp.resolve("out"),
        ExportFormat.OVF), io.hypersdk.providers.ExportProgress.NONE))
        .isInstanceOf(ProviderException.class)
        .hasMessageStartingWith("block 4 of " + AwsFixture.DATA_SNAPSHOT + " failed 4 times: its SHA-256 ")
        .hasMessageContaining("does not match the checksum EBS sent");
    assertThat(aws.blockRequests(AwsFixture.DATA_SNAPSHOT, 4)).isEqualTo(SnapshotDownload.ATTEMPTS);
    assertThat(aws.deletes(AwsFixture.ROOT_SNAPSHOT)).isEqualTo(1);
    assertThat(aws.deletes(AwsFixture.DATA_SNAPSHOT)).isEqualTo(1);
    try (var files = Files.list(tmp.resolve("out"))) {
      assertThat(files.map(f -> f.getFileName().toString())).as("the failed volume never gets its final name")
          .doesNotContain(AwsFixture.DATA_VOLUME + ".raw");
    }
  }

  @Test
  void unknownAmbiguousRefusedAndForbiddenAreOneLineEach() throws Exception {
    aws.ec2Error("DescribeInstances", 400, "InvalidInstanceID.NotFound", "The instance ID 'i-0000000000000dead' "
        + "does not exist");
    assertThatThrownBy(() -> provider.vmInfo("i-0000000000000dead")).isInstanceOf(ProviderException.class)
        .hasMessage("instance i-0000000000000dead not found in region eu-west-1 (is it in another region? set "
            + "--region or AWS_REGION)")
        .extracting(e -> ((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.NOT_FOUND);
    aws.ec2Error("DescribeInstances", 401, "AuthFailure", "AWS was not able to validate the provided access "
        + "credentials");
    assertThatThrownBy(() -> provider.vmInfo("web01")).hasMessage("AWS refused the credentials (AuthFailure) calling "
        + "ec2:DescribeInstances: check --profile, AWS_PROFILE or the keys in the SDK's default credential chain")
        .extracting(e -> ((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.CREDENTIALS);
    aws.ec2Error("DescribeInstances", 403, "UnauthorizedOperation", "You are not authorized to perform this "
        + "operation.");
    assertThatThrownBy(() -> provider.listVms()).hasMessage("not allowed to call ec2:DescribeInstances "
        + "(UnauthorizedOperation): add ec2:DescribeInstances to the IAM policy of these credentials "
        + "(docs/CONFIGURATION.md)").extracting(e -> ((ProviderException) e).kind())
        .isEqualTo(ProviderException.Kind.PERMISSION);
  }

  @Test
  void anAmbiguousNameListsTheMatchesOnOneLine() {
    aws.twin();
    assertThatThrownBy(() -> provider.vmInfo(AwsFixture.NAME)).isInstanceOf(ProviderException.class)
        .hasMessage("instance name web01 is ambiguous in eu-west-1: " + AwsFixture.INSTANCE + " (running), "
            + AwsFixture.TWIN + " (stopped); use the instance id")
        .extracting(e -> ((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.NOT_FOUND);
  }

  @Test
  void anArm64InstanceIsRefusedBeforeAnySnapshotIsTaken() {
    aws.arm64();
    assertThatThrownBy(() -> export()).isInstanceOf(ProviderException.class)
        .hasMessage("instance " + AwsFixture.INSTANCE + " is arm64: the target is x86_64 KVM, so only x86_64 "
            + "instances can be exported")
        .extracting(e -> ((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.INVALID_REQUEST);
    assertThat(aws.creates()).isZero();
  }

  @Test
  void aMissingEbsPermissionNamesIt() {
    aws.ebsError(AwsFixture.ROOT_SNAPSHOT, 1, 403, "AccessDeniedException", "User is not authorized to perform "
        + "ebs:GetSnapshotBlock", "UNAUTHORIZED_ACCOUNT");
    assertThatThrownBy(this::export).hasMessage("not allowed to call ebs:GetSnapshotBlock (AccessDenied): "
        + "add ebs:GetSnapshotBlock to the IAM policy of these credentials (docs/CONFIGURATION.md)")
        .extracting(e -> ((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.PERMISSION);
    assertThat(aws.blockRequests(AwsFixture.ROOT_SNAPSHOT, 1)).as("a refusal is not retried").isEqualTo(1);
    assertSnapshotsDeleted();
  }

  @Test
  void aMissingKmsPermissionNamesKmsDecrypt() {
    aws.ebsError(AwsFixture.DATA_SNAPSHOT, 3, 403, "AccessDeniedException", "The KMS key of the snapshot is not "
        + "accessible", "DEPENDENCY_ACCESS_DENIED");
    assertThatThrownBy(this::export).hasMessage("not allowed to decrypt the encrypted snapshot calling "
        + "ebs:GetSnapshotBlock (AccessDenied): add kms:Decrypt on the volume's KMS key to the IAM policy "
        + "of these credentials (docs/CONFIGURATION.md)")
        .extracting(e -> ((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.PERMISSION);
    assertSnapshotsDeleted();
  }

  @Test
  void aSnapshotQuotaIsOneLine() {
    aws.ec2Error("CreateSnapshots", 400, "SnapshotLimitExceeded", "You have exceeded the maximum number of "
        + "snapshots allowed.");
    assertThatThrownBy(this::export).hasMessage("ec2:CreateSnapshots refused: a limit of the account was reached "
        + "(SnapshotLimitExceeded: You have exceeded the maximum number of snapshots allowed.); delete unused "
        + "snapshots or ask AWS for a higher quota")
        .extracting(e -> ((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.QUOTA);
  }

  @Test
  void aConnectionDroppedOnEveryTryIsANetworkFailureAndTheSnapshotsAreDeleted() {
    aws.dropConnection(AwsFixture.DATA_SNAPSHOT, 4);
    assertThatThrownBy(this::export).hasMessageStartingWith("block 4 of " + AwsFixture.DATA_SNAPSHOT + " failed "
        + SnapshotDownload.ATTEMPTS + " times: cannot reach AWS calling ebs:GetSnapshotBlock: ")
        .hasMessageContaining("check the network").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"))
        .extracting(e -> ((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.NETWORK);
    assertThat(aws.blockRequests(AwsFixture.DATA_SNAPSHOT, 4)).isGreaterThanOrEqualTo(SnapshotDownload.ATTEMPTS);
    assertSnapshotsDeleted();
  }

  @Test
  void anExportRunAgainAfterANetworkFailureResumesAndLeavesOnlyTheDisks() throws Exception {
    aws.dropConnection(AwsFixture.DATA_SNAPSHOT, 4);
    assertThatThrownBy(this::export).hasMessageContaining("cannot reach AWS");
    Path out = tmp.resolve("out");
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).as("the finished volume and the "
          + "partial one, each with its journal").containsExactly(AwsFixture.ROOT_VOLUME + ".raw",
          AwsFixture.ROOT_VOLUME + ".raw.blocks", AwsFixture.DATA_VOLUME + ".raw.part",
          AwsFixture.DATA_VOLUME + ".raw.part.blocks");
    }
    assertThat(Files.readAllLines(out.resolve(AwsFixture.DATA_VOLUME + ".raw.part.blocks"))).hasSize(2)
        .anySatisfy(l -> assertThat(l).startsWith("3 "));
    aws.heal();

    ExportedVm x = export();
    for (var d : x.disks()) {
      String snap = d.id().equals(AwsFixture.ROOT_VOLUME) ? AwsFixture.ROOT_SNAPSHOT : AwsFixture.DATA_SNAPSHOT;
      assertThat(Files.mismatch(Path.of(d.path()), aws.expectedDisk(snap, tmp.resolve(snap + ".expected"))))
          .isEqualTo(-1L);
      assertThat(d.sha256()).isEqualTo("sha256:" + sha256(Path.of(d.path())));
    }
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
          AwsFixture.ROOT_VOLUME + ".raw", AwsFixture.DATA_VOLUME + ".raw");
    }
    assertThat(aws.deletes(AwsFixture.ROOT_SNAPSHOT)).as("each run deletes its snapshots").isEqualTo(2);
  }

  @Test
  void anUnknownRegionIsRefusedBeforeAnyCall() throws Exception {
    var factory = Providers.discover().get("aws");
    assertThatThrownBy(() -> factory.open(ProviderSettings.builder(factory).set("region", "eu-wset-1")
        .set("endpoint_url", aws.endpoint()).build(Map.of()))).isInstanceOf(ProviderException.class)
        .hasMessage("--region eu-wset-1 is not an AWS region (e.g. us-east-1, eu-west-1; aws ec2 describe-regions "
            + "lists them)")
        .extracting(e -> ((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.INVALID_REQUEST);
    assertThat(aws.server.getAllServeEvents()).isEmpty();
  }

  private ExportedVm export() throws Exception {
    return provider.export(new ExportRequest(AwsFixture.INSTANCE, tmp.resolve("out"), ExportFormat.OVF),
        io.hypersdk.providers.ExportProgress.NONE);
  }

  private void assertSnapshotsDeleted() {
    assertThat(aws.deletes(AwsFixture.ROOT_SNAPSHOT)).isEqualTo(1);
    assertThat(aws.deletes(AwsFixture.DATA_SNAPSHOT)).isEqualTo(1);
  }

  private static String sha256(Path p) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (var in = new java.security.DigestInputStream(Files.newInputStream(p), md)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static long allocatedBytes(Path p) throws Exception {
    Process du = new ProcessBuilder("du", "--block-size=1", p.toString()).start();
    String out = new String(du.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(du.waitFor()).isZero();
    return Long.parseLong(out.split("\\s+")[0]);
  }
}
