package io.hypersdk.apps.hyperexport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypersdk.providers.hyperv.testing.HyperVHost;
import io.hypersdk.providers.hyperv.testing.WinRmEndpoint;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.SystemctlStandIn;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import java.net.ServerSocket;
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
 * hyperexport --provider hyperv as a real process against {@link HyperVHost} (an in-process SSH server answering
 * as a Hyper-V host, and {@link WinRmEndpoint} in front of it for WinRM): the bad-input table, --list and
 * --vm-info over WinRM, and a Generation 2 VM with two disks through the queue daemon.
 */
@Timeout(600)
class HyperVExportTest {
  static final String OS_DISK = "C:\\Hyper-V\\app01\\app01-os.vhdx";
  static final String DATA_DISK = "C:\\Hyper-V\\app01\\app01-data.vhdx";

  @TempDir
  Path work;
  Launcher tools;
  HyperVHost host;
  Path osRaw;
  Path dataRaw;

  @BeforeEach
  void start() throws Exception {
    // The password reaches hyperexport through the environment, never a flag.
    tools = new Launcher(work).env("HYPERSDK_HYPERV_PASSWORD", HyperVHost.PASSWORD);
    host = new HyperVHost(work, HyperVHost.Flavor.WINDOWS_POWERSHELL_51);
    osRaw = TestDisks.raw(work, "os", 12, 11);
    dataRaw = TestDisks.raw(work, "data", 8, 12);
    host.addVm("app01").disk("SCSI", 0, 0, OS_DISK, TestDisks.vhdx(osRaw))
        .disk("SCSI", 0, 1, DATA_DISK, TestDisks.vhdx(dataRaw)).nic("Network Adapter", "00155DAB0001", "LAN");
  }

  @AfterEach
  void stop() throws Exception {
    tools.close();
    host.close();
  }

  private List<String> hyperv(String... more) {
    List<String> a = new ArrayList<>(List.of("--provider", "hyperv", "--hyperv-host", "127.0.0.1", "--hyperv-port",
        Integer.toString(host.port()), "--username", HyperVHost.USER, "--host-key-fingerprint", host.fingerprint()));
    a.addAll(List.of(more));
    return a;
  }

  private Result run(List<String> args) {
    Result r = tools.hyperexport(args.toArray(String[]::new));
    assertThat(r.stdout() + r.stderr()).as("the password is never shown: %s", r).doesNotContain(HyperVHost.PASSWORD);
    EndToEndTest.assertNoStackTrace(r);
    return r;
  }

  /** One row of the bad-input table: how the host is set up, the flags, the exit code and the line. */
  enum BadInput {
    UNKNOWN_VM(3, "hyperexport: no VM named 'app02' on HV01", h -> { }, "--vm", "app02"),
    MISSING_PERMISSION(12, "hyperexport: " + HyperVHost.USER + " may not run Get-VM on 127.0.0.1: add the user to "
        + "the host's Hyper-V Administrators group (docs/CONFIGURATION.md)", h -> h.denyHyperV("Get-VM"),
        "--vm", "app01"),
    RUNNING_VM(3, "hyperexport: VM app01 is Running: pass --power-off to shut it down (turned off hard after "
        + "--shutdown-timeout), or shut it down yourself", h -> h.vm("app01").state = "Running", "--vm", "app01"),
    HOST_KEY_MISMATCH(6, "hyperexport: host key of 127.0.0.1:", h -> { }, "--vm", "app01",
        "--host-key-fingerprint", "SHA256:" + "B".repeat(43)),
    WINRM_WITH_SSH_HOST_KEY(2, "hyperexport: --known-hosts and --host-key-fingerprint are for --transport ssh; "
        + "WinRM checks the listener's certificate", h -> { }, "--vm", "app01", "--transport", "winrm"),
    UNREACHABLE(14, "hyperexport: cannot reach the Hyper-V host 127.0.0.1 on port ", h -> { }, "--vm", "app01",
        "--hyperv-port", "PORT_WITHOUT_SERVER");

    final int exit;
    final String line;
    final Consumer<HyperVHost> setUp;
    final String[] args;

    BadInput(int exit, String line, Consumer<HyperVHost> setUp, String... args) {
      this.exit = exit;
      this.line = line;
      this.setUp = setUp;
      this.args = args;
    }
  }

  @ParameterizedTest
  @EnumSource(BadInput.class)
  void badInputIsOneLineWithItsOwnExitCode(BadInput bad) throws Exception {
    bad.setUp.accept(host);
    List<String> args = hyperv("--output", work.resolve("out").toString());
    for (String a : bad.args) {
      args.add(a.equals("PORT_WITHOUT_SERVER") ? Integer.toString(freePort()) : a);
    }
    Result r = run(args);

    assertThat(r.exit()).as("%s", r).isEqualTo(bad.exit);
    assertThat(EndToEndTest.errorLines(r)).as("%s", r).singleElement().asString().startsWith(bad.line);
    assertThat(EndToEndTest.names(work.resolve("out"))).as("no disk is left").noneMatch(n -> n.endsWith(".vhdx"));
  }

  @Test
  void listsAndDescribesOverWinRmAndAWrongPasswordExits6() throws Exception {
    try (WinRmEndpoint winrm = new WinRmEndpoint(host, work)) {
      List<String> args = List.of("--provider", "hyperv", "--transport", "winrm", "--hyperv-host", "127.0.0.1",
          "--hyperv-port", Integer.toString(winrm.port()), "--username", HyperVHost.USER, "--winrm-thumbprint",
          winrm.thumbprint());
      Result list = run(concat(args, "--list"));
      assertThat(list.exit()).as("%s", list).isZero();
      assertThat(list.stdout()).contains("app01");

      Result info = run(concat(args, "--vm-info", "--vm", "app01", "--json"));
      assertThat(info.exit()).as("%s", info).isZero();
      assertThat(info.json().path("firmware").asText()).as("%s", info).isEqualTo("uefi");

      tools.env("HYPERSDK_HYPERV_PASSWORD", "not-the-password");
      Result wrong = run(concat(args, "--list"));
      assertThat(wrong.exit()).as("%s", wrong).isEqualTo(6);
      assertThat(EndToEndTest.errorLines(wrong)).singleElement().asString().startsWith("hyperexport: the Hyper-V "
          + "host 127.0.0.1 refused the WinRM login of " + HyperVHost.USER);
      assertThat(wrong.stdout() + wrong.stderr()).doesNotContain("not-the-password");
    }
  }

  private static List<String> concat(List<String> a, String... more) {
    List<String> all = new ArrayList<>(a);
    all.addAll(List.of(more));
    return all;
  }

  @Test
  void ctrlCDuringTheCopyExits130AndRemovesTheMergedFileOnTheHost() throws Exception {
    host.addVm("db01").checkpointedDisk("SCSI", 0, 0, "C:\\Hyper-V\\db01\\db01_4F2A.avhdx",
        "C:\\Hyper-V\\db01\\db01.vhdx", TestDisks.vhdx(TestDisks.raw(work, "base", 8, 21)),
        TestDisks.garbage(work, "child.avhdx", 4096, 22), TestDisks.vhdx(TestDisks.raw(work, "merged", 8, 23)));
    host.slowReads(200);
    Path out = work.resolve("out");
    Running running = tools.startHyperexport(hyperv("--vm", "db01", "--output", out.toString())
        .toArray(String[]::new));
    await("the copy of the merged disk under way").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
        .failFast("hyperexport ended early", () -> !running.process().isAlive())
        .until(() -> host.bytesRead() > 0 && !host.filesNamed("hypersdk-merge-").isEmpty());
    running.signal("INT");
    Result r = running.await(Duration.ofSeconds(60));

    assertThat(r.exit()).as("%s", r).isEqualTo(130);
    assertThat(EndToEndTest.errorLines(r)).as("%s", r).containsExactly("hyperexport: interrupted");
    EndToEndTest.assertNoStackTrace(r);
    assertThat(host.filesNamed("hypersdk-merge-")).as("the merged VHDX is removed on the host").isEmpty();
    assertThat(EndToEndTest.names(out)).as("no disk under its final name").noneMatch(n -> n.endsWith(".vhdx"));
  }

  @Test
  void aGeneration2VmWithTwoDisksGoesThroughTheHypervLabQueueInstanceToQcow2() throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    SystemctlStandIn.install(Files.createDirectories(work.resolve("bin"))).answerAll("inactive", 3);
    tools.pathFirst(work.resolve("bin"));
    Path watch = Files.createDirectories(work.resolve("q/queue"));
    Path output = Files.createDirectories(work.resolve("q/output"));
    // The design's Scenario 2: a hyper2kvm@hyperv-lab instance, found by its name through its own config file.
    Path etc = work.resolve("etc");
    QueueDaemon d = tools.daemon(QueueDaemon.writeConfig(etc.resolve("hyperv-lab.yaml"), watch, output, 2), watch,
        output, "--instance", "hyperv-lab");
    Path out = work.resolve("export");

    // The disks hold random bytes, no OS: nothing for the fix stage to change.
    Result r = tools.startHyperexport(hyperv("--vm", "app01", "--output", out.toString(), "--pipeline", "--no-fix",
        "--hyper2kvm-daemon", "--hyper2kvm-instance", "hyperv-lab", "--hyper2kvm-config-dir", etc.toString(),
        "--hyper2kvm-poll-interval", "0.2", "--json").toArray(String[]::new)).await(Duration.ofMinutes(5));
    assertThat(r.stdout() + r.stderr()).as("the password is never shown: %s", r).doesNotContain(HyperVHost.PASSWORD);
    EndToEndTest.assertNoStackTrace(r);

    assertThat(r.exit()).as("%s\n--- daemon ---\n%s", r, d.log()).isZero();
    JsonNode p = r.json().path("pipeline");
    assertThat(p.path("execution").path("mode").asText()).isEqualTo("daemon");
    assertThat(p.path("execution").path("heartbeat").asText()).endsWith("-hyperv-lab");
    List<String> outputs = new ArrayList<>();
    p.path("outputs").forEach(o -> outputs.add(o.asText()));
    assertThat(outputs).hasSize(2);
    assertThat(Tools.run(List.of("qemu-img", "compare", "-f", "raw", "-F", "qcow2", osRaw.toString(),
        outputs.get(0)))).contains("Images are identical");
    assertThat(Tools.run(List.of("qemu-img", "compare", "-f", "raw", "-F", "qcow2", dataRaw.toString(),
        outputs.get(1)))).contains("Images are identical");

    JsonNode manifest = new ObjectMapper().readTree(out.resolve("artifact-manifest.json").toFile());
    assertThat(manifest.path("source").path("provider").asText()).isEqualTo("hyperv");
    assertThat(manifest.path("source").path("datacenter").asText()).isEqualTo(HyperVHost.COMPUTER);
    assertThat(manifest.path("source").path("export_method").asText()).isEqualTo("hyperv-sftp");
    assertThat(manifest.path("vm").path("cpu").asInt()).isEqualTo(2);
    assertThat(manifest.path("vm").path("mem_gb").asInt()).isEqualTo(4);
    assertThat(manifest.path("vm").path("firmware").asText()).isEqualTo("uefi");
    assertThat(manifest.path("disks").get(0).path("source_format").asText()).isEqualTo("vhdx");
    assertThat(manifest.path("disks").get(0).path("boot_order_hint").asInt()).isZero();
    assertThat(manifest.path("nics").get(0).path("mac").asText()).isEqualTo("00:15:5d:ab:00:01");
    assertThat(d.term()).isZero();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
