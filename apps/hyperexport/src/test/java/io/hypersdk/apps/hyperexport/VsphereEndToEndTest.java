package io.hypersdk.apps.hyperexport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypersdk.providers.vsphere.testing.Vcsim;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.SystemctlStandIn;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

/** hyperexport --provider vsphere as a real process against the vCenter simulator. */
@Timeout(180)
class VsphereEndToEndTest {
  static final String VM = "/DC0/vm/DC0_H0_VM1";
  static final String EFI_VM = "/DC0/vm/DC0_C0_RP0_VM1";

  @TempDir
  Path work;
  Launcher tools;
  Vcsim sim;
  Path passwordFile;

  @BeforeEach
  void start() throws IOException {
    tools = new Launcher(work);
    sim = Vcsim.start(work.resolve("sim"), "-second-disk", "DC0_H0_VM1", "-efi", "DC0_C0_RP0_VM1",
        "-guest", "DC0_C0_RP0_VM1=rhel7_64Guest");
    passwordFile = work.resolve("vcenter.pw");
    Files.writeString(passwordFile, Vcsim.PASSWORD + "\n");
  }

  @AfterEach
  void stop() {
    tools.close();
    sim.close();
  }

  private List<String> connection(String... more) {
    List<String> a = new ArrayList<>(List.of("--provider", "vsphere", "--vcenter-url", sim.url(), "--username",
        Vcsim.USER, "--password-file", passwordFile.toString()));
    a.addAll(List.of(more));
    return a;
  }

  private Result run(List<String> args) {
    Result r = tools.hyperexport(args.toArray(String[]::new));
    assertThat(r.stdout() + r.stderr()).as("the password is never shown: %s", r).doesNotContain(Vcsim.PASSWORD);
    EndToEndTest.assertNoStackTrace(r);
    return r;
  }

  @Test
  void listsTheVmsAsATableAndAsJson() {
    Result table = run(connection("--list"));
    assertThat(table.exit()).as("%s", table).isZero();
    assertThat(table.stdoutLines().get(0)).startsWith("PATH").contains("POWER", "VCPUS", "MEMORY MiB", "DISKS");
    assertThat(table.stdout()).containsPattern("/DC0/vm/DC0_H0_VM1\\s+poweredOn\\s+1\\s+32\\s+2");

    Result json = run(connection("--list", "--json"));
    assertThat(json.exit()).as("%s", json).isZero();
    assertThat(json.json().path("vms")).extracting(v -> v.path("path").asText()).containsExactlyInAnyOrder(
        "/DC0/vm/DC0_H0_VM0", VM, "/DC0/vm/DC0_C0_RP0_VM0", EFI_VM);
  }

  @Test
  void theGovcEnvironmentWorksToo() {
    tools.env("GOVC_URL", sim.url()).env("GOVC_USERNAME", Vcsim.USER).env("GOVC_PASSWORD", Vcsim.PASSWORD);
    Result r = run(List.of("--provider", "vsphere", "--vm-info", "--vm", EFI_VM, "--json"));
    assertThat(r.exit()).as("%s", r).isZero();
    JsonNode vm = r.json();
    assertThat(vm.path("firmware").asText()).isEqualTo("uefi");
    assertThat(vm.path("datacenter").asText()).isEqualTo("DC0");
    assertThat(vm.path("mem_gb").asInt()).isEqualTo(1);
    assertThat(vm.path("guest_id").asText()).isEqualTo("rhel7_64Guest");
    assertThat(vm.path("os_hint").asText()).as("upstream left rhel ids unknown").isEqualTo("linux");
  }

  @Test
  void vmInfoDescribesTheVm() {
    Result r = run(connection("--vm-info", "--vm", "DC0_H0_VM1"));
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.values("Path")).containsExactly(VM);
    assertThat(r.values("Datacenter")).containsExactly("DC0");
    assertThat(r.values("Memory")).containsExactly("32 MiB");
    assertThat(r.values("Firmware")).containsExactly("bios");
    assertThat(r.values("Disk")).hasSize(2).allSatisfy(d -> assertThat(d).contains(16L * 1024 * 1024 + " bytes"));
    assertThat(r.values("NIC")).singleElement().asString().contains("on DC0_DVPG0");
  }

  @Test
  void aWrongPasswordIsOneLineWithoutThePassword() {
    tools.env("HYPERSDK_VSPHERE_PASSWORD", "Wr0ng-but-secret");
    Result r = run(List.of("--provider", "vsphere", "--vcenter-url", sim.url(), "--username", Vcsim.USER, "--list"));
    assertThat(r.exit()).as("%s", r).isEqualTo(6);
    assertThat(EndToEndTest.errorLines(r)).singleElement().asString()
        .contains("rejected the login of " + Vcsim.USER).doesNotContain("Wr0ng-but-secret");
  }

  @Test
  void usageMistakesAreOneLineWithExit2() {
    Result both = run(connection("--list", "--vm-info", "--vm", VM));
    assertThat(both.exit()).isEqualTo(2);
    assertThat(EndToEndTest.errorLines(both)).containsExactly("hyperexport: --list and --vm-info exclude each other");
    Result noVm = run(connection("--vm-info"));
    assertThat(noVm.exit()).isEqualTo(2);
    assertThat(EndToEndTest.errorLines(noVm)).containsExactly("hyperexport: --vm-info needs --vm");
    Result noFile = run(List.of("--provider", "vsphere", "--vcenter-url", sim.url(), "--username", Vcsim.USER,
        "--password-file", work.resolve("missing.pw").toString(), "--list"));
    assertThat(noFile.exit()).isEqualTo(2);
    assertThat(EndToEndTest.errorLines(noFile)).singleElement().asString()
        .isEqualTo("hyperexport: --password-file " + work.resolve("missing.pw") + " is not a file");
  }

  @Test
  void anUnknownVmExitsWithNotFound() {
    Result r = run(connection("--vm", "/DC0/vm/nope", "--output", work.resolve("out").toString()));
    assertThat(r.exit()).as("%s", r).isEqualTo(3);
    assertThat(EndToEndTest.errorLines(r)).singleElement().asString().contains("VM /DC0/vm/nope not found");
  }

  @Test
  void aRunningVmIsRefusedWithoutPowerOff() {
    Result r = run(connection("--vm", VM, "--output", work.resolve("out").toString()));
    assertThat(r.exit()).as("%s", r).isEqualTo(3);
    assertThat(EndToEndTest.errorLines(r)).singleElement().asString().contains("is poweredOn")
        .contains("--power-off");
  }

  @Test
  void aVmGoesThroughTheDaemonToQcow2AndADomain() throws Exception {
    Path raw = Files.createDirectories(work.resolve("raw"));
    Path bootRaw = TestDisks.raw(raw, "boot", 16, 31);
    Path dataRaw = TestDisks.raw(raw, "data", 16, 32);
    sim.putDisk(VM, 0, TestDisks.vmdkStreamOptimized(bootRaw));
    sim.putDisk(VM, 1, TestDisks.vmdkStreamOptimized(dataRaw));
    SystemctlStandIn.install(Files.createDirectories(work.resolve("bin"))).answerAll("inactive", 3);
    tools.pathFirst(work.resolve("bin"));
    Path watch = Files.createDirectories(work.resolve("q/queue"));
    Path output = Files.createDirectories(work.resolve("q/output"));
    QueueDaemon d = tools.daemon(QueueDaemon.writeConfig(work.resolve("etc/hyper2kvm.conf"), watch, output, 2), watch,
        output);
    Path out = work.resolve("export");

    Result r = run(connection("--vm", VM, "--power-off", "--output", out.toString(), "--pipeline", "--no-fix",
        "--hyper2kvm-daemon", "--hyper2kvm-watch-dir", watch.toString(), "--hyper2kvm-output-dir",
        output.toString(), "--hyper2kvm-poll-interval", "0.2", "--json"));

    assertThat(r.exit()).as("%s\n--- daemon ---\n%s", r, d.log()).isZero();
    JsonNode p = r.json().path("pipeline");
    assertThat(p.path("execution").path("mode").asText()).isEqualTo("daemon");
    List<String> outputs = new ArrayList<>();
    p.path("outputs").forEach(o -> outputs.add(o.asText()));
    assertThat(outputs).hasSize(2);
    assertThat(Tools.sameContent(bootRaw, Path.of(outputs.get(0)))).as("boot disk content").isTrue();
    assertThat(Tools.sameContent(dataRaw, Path.of(outputs.get(1)))).as("data disk content").isTrue();
    assertThat(Path.of(p.path("domain_xml").asText())).isRegularFile();

    JsonNode manifest = new ObjectMapper().readTree(out.resolve("artifact-manifest.json").toFile());
    assertThat(manifest.path("source").path("provider").asText()).isEqualTo("vsphere");
    assertThat(manifest.path("source").path("datacenter").asText()).isEqualTo("DC0");
    assertThat(manifest.path("source").path("export_method").asText()).isEqualTo("nfc");
    assertThat(manifest.path("vm").path("mem_gb").asInt()).isEqualTo(1);
    assertThat(manifest.path("vm").path("firmware").asText()).isEqualTo("bios");
    assertThat(manifest.path("disks").get(0).path("boot_order_hint").asInt()).isZero();
    assertThat(manifest.path("nics").get(0).path("network").asText()).isEqualTo("DC0_DVPG0");
    assertThat(sim.soapCalls()).contains("ShutdownGuest", "ExportVm", "HttpNfcLeaseComplete");
    assertNoPasswordIn(work);
    assertThat(d.term()).isZero();
  }

  @Test
  void aUefiVmBecomesAQ35DomainWithOvmf() throws Exception {
    Path raw = Files.createDirectories(work.resolve("raw"));
    Path bootRaw = TestDisks.raw(raw, "efi-boot", 16, 33);
    sim.putDisk(EFI_VM, 0, TestDisks.vmdkStreamOptimized(bootRaw));
    Path out = work.resolve("export");

    Result r = run(connection("--vm", EFI_VM, "--power-off", "--output", out.toString(), "--format", "ova",
        "--pipeline", "--no-fix", "--json"));

    assertThat(r.exit()).as("%s", r).isZero();
    JsonNode p = r.json().path("pipeline");
    assertThat(p.path("execution").path("mode").asText()).isEqualTo("direct");
    assertThat(Tools.sameContent(bootRaw, Path.of(p.path("outputs").get(0).asText()))).isTrue();
    String domain = Files.readString(Path.of(p.path("domain_xml").asText()), StandardCharsets.UTF_8);
    assertThat(domain).contains("<os firmware='efi'>", "machine='q35'");
    assertThat(out.resolve("DC0_C0_RP0_VM1.ova")).isRegularFile();
    JsonNode manifest = new ObjectMapper().readTree(out.resolve("artifact-manifest.json").toFile());
    assertThat(manifest.path("vm").path("firmware").asText()).isEqualTo("uefi");
    assertThat(manifest.path("vm").path("os_hint").asText()).isEqualTo("linux");
    assertNoPasswordIn(work);
  }

  @Test
  void ctrlCDuringTheDownloadAbortsTheLeaseAfterKeepingItAlive() throws Exception {
    Path raw = Files.createDirectories(work.resolve("raw"));
    sim.putDisk(VM, 0, TestDisks.vmdkStreamOptimized(TestDisks.raw(raw, "boot", 16, 34)));
    sim.putDisk(VM, 1, TestDisks.vmdkStreamOptimized(TestDisks.raw(raw, "data", 16, 35)));
    Path data = sim.disks(VM).get(1);
    Files.writeString(data.resolveSibling(data.getFileName() + ".stall"), "");
    Path out = work.resolve("export");

    Running running = tools.startHyperexport(connection("--vm", VM, "--power-off", "--output", out.toString())
        .toArray(String[]::new));
    // The data disk hangs half-way; meanwhile the lease must get progress reports every few seconds.
    await("a periodic lease progress report while a download hangs").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200)).failFast(() -> !running.process().isAlive())
        .until(() -> sim.log().contains("stalling")
            && sim.soapCalls().stream().filter("HttpNfcLeaseProgress"::equals).count() >= 2);
    running.signal("INT");
    Result r = running.await(Duration.ofSeconds(60));

    assertThat(r.exit()).as("%s", r).isEqualTo(130);
    assertThat(r.stdout() + r.stderr()).doesNotContain(Vcsim.PASSWORD);
    EndToEndTest.assertNoStackTrace(r);
    List<String> calls = sim.soapCalls();
    assertThat(calls).contains("HttpNfcLeaseAbort").doesNotContain("HttpNfcLeaseComplete");
    assertThat(EndToEndTest.names(out)).as("%s", r).noneMatch(n -> n.endsWith(".vmdk") || n.contains(".tmp"));
  }

  /** No file the tools wrote (exports, manifests, logs, queue records) holds the password. */
  private void assertNoPasswordIn(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(f) && !f.equals(passwordFile) && !f.startsWith(work.resolve("sim"))
            && Files.size(f) < (4 << 20)) {
          assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as("%s", f)
              .doesNotContain(Vcsim.PASSWORD);
        }
      }
    }
  }
}
