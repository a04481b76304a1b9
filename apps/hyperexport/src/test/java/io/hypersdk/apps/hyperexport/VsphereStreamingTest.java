package io.hypersdk.apps.hyperexport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypersdk.io.Sha256;
import io.hypersdk.providers.vsphere.testing.Vcsim;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming export: hyperexport --pipeline in direct mode converts the vCenter simulator's NFC streams while
 * it downloads them, and the converter takes those disks instead of converting again.
 */
@Timeout(180)
class VsphereStreamingTest {
  static final String VM = VsphereEndToEndTest.VM;

  @TempDir
  Path work;
  Launcher tools;
  Vcsim sim;
  Path passwordFile;
  Path bootRaw;
  Path dataRaw;
  Path bootVmdk;
  Path dataVmdk;

  @BeforeEach
  void start() throws IOException {
    tools = new Launcher(work);
    sim = Vcsim.start(work.resolve("sim"), "-second-disk", "DC0_H0_VM1");
    passwordFile = work.resolve("vcenter.pw");
    Files.writeString(passwordFile, Vcsim.PASSWORD + "\n");
    Path raw = Files.createDirectories(work.resolve("raw"));
    bootRaw = TestDisks.raw(raw, "boot", 16, 41);
    dataRaw = TestDisks.raw(raw, "data", 16, 42);
    bootVmdk = TestDisks.vmdkStreamOptimized(bootRaw);
    dataVmdk = TestDisks.vmdkStreamOptimized(dataRaw);
    sim.putDisk(VM, 0, bootVmdk);
    sim.putDisk(VM, 1, dataVmdk);
  }

  @AfterEach
  void stop() {
    tools.close();
    sim.close();
  }

  private Result run(String... more) {
    List<String> a = new ArrayList<>(List.of("--provider", "vsphere", "--vcenter-url", sim.url(), "--username",
        Vcsim.USER, "--password-file", passwordFile.toString(), "--vm", VM, "--power-off"));
    a.addAll(List.of(more));
    Result r = tools.hyperexport(a.toArray(String[]::new));
    assertThat(r.stdout() + r.stderr()).doesNotContain(Vcsim.PASSWORD);
    EndToEndTest.assertNoStackTrace(r);
    return r;
  }

  @Test
  void theDisksAreConvertedWhileDownloadingAndNoVmdkIsWritten() throws Exception {
    Path out = work.resolve("export");

    Result r = run("--output", out.toString(), "--pipeline", "--no-fix", "-v", "--json");

    assertThat(r.exit()).as("%s", r).isZero();
    JsonNode p = r.json().path("pipeline");
    assertThat(p.path("execution").path("mode").asText()).isEqualTo("direct");
    List<Path> outputs = new ArrayList<>();
    p.path("outputs").forEach(o -> outputs.add(Path.of(o.asText())));
    assertThat(outputs).hasSize(2);
    assertThat(Tools.sameContent(bootRaw, outputs.get(0))).as("boot disk content").isTrue();
    assertThat(Tools.sameContent(dataRaw, outputs.get(1))).as("data disk content").isTrue();
    assertThat(r.stderr()).as("the converter took the streamed disks").contains("converted to qcow2 while downloading")
        .containsPattern("converted by the native converter while it was exported");
    assertThat(allFiles(out)).as("no VMDK and nothing left in the work folder")
        .noneMatch(f -> f.endsWith(".vmdk") || f.contains(".work"));

    // The manifest still names each source, its format, size and the SHA-256 of its stream.
    JsonNode disks = new ObjectMapper().readTree(out.resolve("artifact-manifest.json").toFile()).path("disks");
    assertThat(disks.get(0).path("local_path").asText()).endsWith("DC0_H0_VM1-disk1.vmdk");
    assertThat(disks.get(0).path("source_format").asText()).isEqualTo("vmdk");
    assertThat(disks.get(0).path("bytes").asLong()).isEqualTo(Files.size(bootVmdk));
    assertThat(disks.get(0).path("checksum").asText()).isEqualTo(Sha256.ofFile(bootVmdk));
    assertThat(disks.get(1).path("checksum").asText()).isEqualTo(Sha256.ofFile(dataVmdk));
  }

  @Test
  void keepSourceAlsoWritesTheVmdksFromTheSameStream() throws Exception {
    Path out = work.resolve("export");

    Result r = run("--output", out.toString(), "--pipeline", "--no-fix", "--keep-source", "--json");

    assertThat(r.exit()).as("%s", r).isZero();
    JsonNode p = r.json().path("pipeline");
    assertThat(Tools.sameContent(bootRaw, Path.of(p.path("outputs").get(0).asText()))).isTrue();
    assertThat(Tools.sameContent(dataRaw, Path.of(p.path("outputs").get(1).asText()))).isTrue();
    Path keptBoot = out.resolve("DC0_H0_VM1-disk1.vmdk");
    Path keptData = out.resolve("DC0_H0_VM1-disk2.vmdk");
    assertThat(keptBoot).hasSameBinaryContentAs(bootVmdk);
    assertThat(keptData).hasSameBinaryContentAs(dataVmdk);
    JsonNode disks = new ObjectMapper().readTree(out.resolve("artifact-manifest.json").toFile()).path("disks");
    assertThat(disks.get(0).path("checksum").asText()).isEqualTo(Sha256.ofFile(keptBoot));
  }

  @Test
  void aStreamCutShortFailsTheExportAndLeavesNothing() throws Exception {
    Path data = sim.disks(VM).get(1);
    Files.writeString(data.resolveSibling(data.getFileName() + ".fail-after"), String.valueOf(Files.size(data) / 2));
    Path out = work.resolve("export");

    Result r = run("--output", out.toString(), "--pipeline", "--no-fix", "--keep-source");

    assertThat(r.exit()).as("%s", r).isEqualTo(4);
    assertThat(EndToEndTest.errorLines(r)).singleElement().asString().contains("failed after 3 attempts");
    assertThat(allFiles(out)).as("%s", r)
        .noneMatch(f -> f.endsWith(".vmdk") || f.endsWith(".qcow2") || f.contains(".work") || f.contains(".tmp"));
  }

  @Test
  void ctrlCDuringAStreamLeavesNoOutput() throws Exception {
    Path data = sim.disks(VM).get(1);
    Files.writeString(data.resolveSibling(data.getFileName() + ".stall"), "");
    Path out = work.resolve("export");

    Running running = tools.startHyperexport(List.of("--provider", "vsphere", "--vcenter-url", sim.url(),
        "--username", Vcsim.USER, "--password-file", passwordFile.toString(), "--vm", VM, "--power-off",
        "--output", out.toString(), "--pipeline", "--no-fix").toArray(String[]::new));
    await("the data disk's stream hangs half-way").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200)).failFast(() -> !running.process().isAlive())
        .until(() -> sim.log().contains("stalling"));
    running.signal("INT");
    Result r = running.await(Duration.ofSeconds(60));

    assertThat(r.exit()).as("%s", r).isEqualTo(130);
    EndToEndTest.assertNoStackTrace(r);
    assertThat(sim.soapCalls()).contains("HttpNfcLeaseAbort").doesNotContain("HttpNfcLeaseComplete");
    assertThat(allFiles(out)).as("%s", r)
        .noneMatch(f -> f.endsWith(".vmdk") || f.endsWith(".qcow2") || f.contains(".work") || f.contains(".tmp"));
  }

  /** Every path under {@code dir}, relative to it. */
  private static List<String> allFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).toList();
    }
  }
}
