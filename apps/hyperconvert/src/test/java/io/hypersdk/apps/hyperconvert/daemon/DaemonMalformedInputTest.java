package io.hypersdk.apps.hyperconvert.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.Disk;
import io.hypersdk.manifest.ManifestIO;
import io.hypersdk.manifest.Source;
import io.hypersdk.queue.JobRecord;
import io.hypersdk.queue.JobState;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Manifests the daemon cannot convert: each gets an error file with a one-line reason and goes to .failed,
 * and the daemon goes on serving the queue. One daemon serves all the cases, as it would in production.
 */
class DaemonMalformedInputTest {
  @TempDir
  static Path tmp;

  private static TestQueue q;
  private static QueueDaemon daemon;
  private static Path disk;
  private static final AtomicInteger GOOD = new AtomicInteger();

  @BeforeAll
  static void startDaemon() {
    Tools.require("qemu-img", "qemu-utils");
    q = new TestQueue(tmp);
    disk = q.disk("shared", 4, 71);
    daemon = q.start("malformed", Map.of("max_concurrent", 2));
    daemon.awaitHeartbeat();
  }

  @AfterAll
  static void stopDaemon() {
    if (daemon != null) {
      try {
        assertThat(daemon.term()).isZero();
      } finally {
        daemon.close();
      }
    }
  }

  /**
   * The manifest file, what it holds, the stem its error file is named after (the VM's, or the manifest's
   * when no usable VM name can be read), what the reason must mention, and the job id when one is readable.
   */
  record Case(String file, Supplier<byte[]> content, String errorStem, List<String> mentions, String jobId) {}

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("invalid JSON", new Case("bad-json.json",
            () -> text("{\"manifest_version\": \"1.0\", \"source\": {\"vm_name\": \"json-vm\",\n"),
            "bad-json", List.of("not valid JSON"), null)),
        Arguments.of("invalid YAML", new Case("bad-yaml.yaml",
            () -> text("manifest_version: \"1.0\"\nsource: {vm_name: yaml-vm\ndisks: [\n"),
            "bad-yaml", List.of("not valid YAML"), null)),
        Arguments.of("wrong manifest_version", new Case("version-vm.json",
            () -> json(good("version-vm", "job-version").toBuilder().manifestVersion("2.0").build()),
            "version-vm", List.of("manifest_version", "2.0"), "job-version")),
        Arguments.of("missing disk file", new Case("missing-vm.json",
            () -> json(withDisk(good("missing-vm", "job-missing"), d -> Disk.builder().id("disk0")
                .sourceFormat("raw").localPath(tmp.resolve("disks/nope.raw").toString()).checksum(d.checksum())
                .bootOrderHint(0).build())),
            "missing-vm", List.of("disks[0].local_path", "nope.raw", "does not exist"), "job-missing")),
        Arguments.of("checksum mismatch", new Case("checksum-vm.json",
            () -> json(withDisk(good("checksum-vm", "job-checksum"), d -> Disk.builder().id("disk0")
                .sourceFormat("raw").localPath(d.localPath()).bootOrderHint(0)
                .checksum("sha256:" + "0".repeat(64)).build())),
            "checksum-vm", List.of("disks[0].checksum", "does not match"), "job-checksum")),
        Arguments.of("../x as vm_name", new Case("dotdot-vm.json",
            () -> json(withVmName(good("x", "job-dotdot"), "../x")),
            "dotdot-vm", List.of("vm_name", "../x"), "job-dotdot")),
        Arguments.of("a/b as vm_name", new Case("slash-vm.json",
            () -> json(withVmName(good("x", "job-slash"), "a/b")),
            "slash-vm", List.of("vm_name", "a/b"), "job-slash")),
        Arguments.of("../x as a disk id", new Case("diskid-vm.json",
            () -> json(withDisk(good("diskid-vm", "job-diskid"), d -> Disk.builder().id("../x")
                .sourceFormat("raw").localPath(d.localPath()).checksum(d.checksum()).bootOrderHint(0).build())),
            "diskid-vm", List.of("disks[0].id", "../x"), "job-diskid")),
        Arguments.of("upstream hyper2kvm manifest", new Case("upstream.json",
            () -> text("{\"version\": \"1\", \"source\": {\"type\": \"vsphere\"}}\n"), "upstream",
            List.of("this is an upstream hyper2kvm manifest", "docs/PIPELINE_INTEGRATION.md#artifact-manifest-v10"),
            null)),
        Arguments.of("upstream workflow manifest", new Case("workflow.yaml",
            () -> text("pipeline:\n  load:\n    source_type: vmdk\n    source_path: /exports/w.vmdk\n"), "workflow",
            List.of("this is an upstream hyper2kvm workflow manifest", "Artifact Manifest v1.0"), null)),
        Arguments.of("checksum one digit short", new Case("short-sum-vm.json",
            () -> json(withDisk(good("short-sum-vm", "job-short-sum"), d -> Disk.builder().id("disk0")
                .sourceFormat("raw").localPath(d.localPath()).bootOrderHint(0)
                .checksum("sha256:" + "0".repeat(63)).build())),
            "short-sum-vm", List.of("disks[0].checksum", "the digest has 63 hex digits"), "job-short-sum")),
        Arguments.of("empty file", new Case("empty.json", () -> new byte[0], "empty", List.of("empty"), null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aMalformedManifestFailsWithAOneLineReasonAndTheDaemonGoesOn(String title, Case c) {
    QueueDaemon.submitText(q.watchDir, c.file(), c.content().get());
    String goodVm = "after-" + GOOD.incrementAndGet();
    q.submit(good(goodVm, "job-" + goodVm), goodVm + ".json");

    Path errorFile = q.outputs(c.errorStem()).errorFile();
    QueueDaemon.await(c.file() + " is filed as failed with " + errorFile.getFileName(), QueueDaemon.TIMEOUT,
        () -> q.failed().contains(c.file()) && Files.exists(errorFile), daemon);
    List<String> error = TestQueue.read(errorFile).lines().toList();
    String reason = error.get(0);
    assertThat(reason).as("first line of %s", errorFile.getFileName()).isNotBlank();
    for (String m : c.mentions()) {
      assertThat(reason).as("first line of %s", errorFile.getFileName()).contains(m);
    }
    assertThat(error).contains("manifest: " + c.file());
    assertThat(q.outputsStartingWith(c.errorStem())).containsExactly(c.errorStem() + ".error");
    assertThat(q.pending()).doesNotContain(c.file());
    assertThat(q.processing()).noneMatch(p -> p.endsWith("/" + c.file()));
    assertThat(q.processed()).doesNotContain(c.file());
    if (c.jobId() != null) {
      JobRecord record = q.awaitRecord(c.jobId(), JobState.FAILED, daemon);
      assertThat(record.error()).isEqualTo(reason);
      assertThat(error).contains("job_id: " + c.jobId());
    } else {
      assertThat(q.records()).noneMatch(r -> c.file().equals(r.manifest()));
      assertThat(error).contains("job_id: (none)");
    }

    // The daemon is still serving: the good manifest submitted after the bad one is converted.
    q.awaitRecord("job-" + goodVm, JobState.COMPLETED, daemon);
    assertThat(Tools.sameContent(disk, q.outputs(goodVm).primaryDisk("qcow2"))).isTrue();
    assertThat(q.processed()).contains(goodVm + ".json");
    assertThat(daemon.isAlive()).isTrue();
  }

  private static ArtifactManifest good(String vm, String jobId) {
    return TestQueue.manifest(vm, jobId, disk);
  }

  private static ArtifactManifest withDisk(ArtifactManifest m, java.util.function.UnaryOperator<Disk> change) {
    return m.toBuilder().disks(List.of(change.apply(m.disks().get(0)))).build();
  }

  private static ArtifactManifest withVmName(ArtifactManifest m, String vmName) {
    Source s = m.source();
    return m.toBuilder().source(new Source(s.provider(), s.vmId(), vmName, s.datacenter(), s.exportTimestamp(),
        s.exportMethod())).build();
  }

  private static byte[] json(ArtifactManifest m) {
    return (ManifestIO.toJson(m) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
