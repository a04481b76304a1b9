package io.hypersdk.providers.hyperv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.VmInfo;
import io.hypersdk.providers.hyperv.testing.HyperVHost;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The hyperv provider against {@link HyperVHost}: an in-process SSH server whose SFTP serves VHDX files qemu-img
 * wrote and whose exec channel answers the PowerShell scripts as Windows PowerShell 5.1 or PowerShell 7 would.
 */
@Timeout(120)
class HyperVProviderTest {
  static final String INJECTION = "x'; Remove-Item C:\\ -Recurse; '";
  static final String ROOT_DISK = "C:\\Hyper-V\\web01\\web01-os.vhdx";
  static final String DATA_DISK = "C:\\Hyper-V\\web01\\web01-data.vhdx";

  @TempDir
  Path work;
  HyperVHost host;
  Path osRaw;
  Path dataRaw;

  @AfterEach
  void stop() throws Exception {
    if (host != null) {
      host.close();
    }
  }

  private HyperVHost.Vm start(HyperVHost.Flavor flavor) throws Exception {
    host = new HyperVHost(work, flavor);
    osRaw = TestDisks.raw(work, "os", 16, 1);
    dataRaw = TestDisks.raw(work, "data", 8, 2);
    // The data disk sits first on the controller, but the firmware boots the OS disk: boot order wins.
    return host.addVm("web01").disk("SCSI", 0, 0, DATA_DISK, TestDisks.vhdx(dataRaw))
        .disk("SCSI", 0, 1, ROOT_DISK, TestDisks.vhdx(osRaw)).bootFrom(ROOT_DISK)
        .nic("Network Adapter", "00155D010203", "External");
  }

  private Map<String, Object> settings() {
    Map<String, Object> s = new HashMap<>();
    s.put("host", "127.0.0.1");
    s.put("port", host.port());
    s.put("username", HyperVHost.USER);
    s.put("password", HyperVHost.PASSWORD);
    s.put("host_key_fingerprint", host.fingerprint());
    return s;
  }

  private Provider open(Map<String, Object> s) throws ProviderException {
    HyperVProviderFactory f = new HyperVProviderFactory();
    return f.open(ProviderSettings.builder(f).setAll(s).build(Map.of()));
  }

  private ExportedVm export(Map<String, Object> s, String vm) throws Exception {
    try (Provider p = open(s)) {
      return p.export(new ExportRequest(vm, work.resolve("out"), ExportFormat.OVF), ExportProgress.NONE);
    }
  }

  @ParameterizedTest
  @EnumSource(HyperVHost.Flavor.class)
  void describesAGeneration2VmWithBothPowerShells(HyperVHost.Flavor flavor) throws Exception {
    start(flavor);
    VmInfo vm;
    try (Provider p = open(settings())) {
      assertThat(p.listVms()).singleElement().satisfies(v -> {
        assertThat(v.name()).isEqualTo("web01");
        assertThat(v.disks()).isEqualTo(2);
        assertThat(v.memoryMiB()).isEqualTo(4096);
      });
      vm = p.vmInfo("web01");
    }
    assertThat(vm.firmware()).isEqualTo("uefi");
    assertThat(vm.secureBoot()).isTrue();
    assertThat(vm.cpu()).isEqualTo(2);
    assertThat(vm.memoryMiB()).isEqualTo(4096);
    assertThat(vm.datacenter()).isEqualTo(HyperVHost.COMPUTER);
    assertThat(vm.disks()).extracting(d -> d.file()).containsExactly(ROOT_DISK, DATA_DISK);
    assertThat(vm.disks().get(0).capacityBytes()).isEqualTo(16L << 20);
    assertThat(vm.nics()).singleElement().satisfies(n -> assertThat(n.mac()).isEqualTo("00:15:5d:01:02:03"));
    List<HyperVHost.Invocation> sent = host.invocations();
    assertThat(sent).extracting(HyperVHost.Invocation::command).containsExactly(PowerShell.Script.LIST.command(),
        PowerShell.Script.VM.command());
    assertThat(sent.get(1).script()).isEqualTo(PowerShell.Script.VM.text()).contains("Get-VMFirmware", "Get-VHD",
        "Get-VMNetworkAdapter", ".ToString()");
    assertThat(sent.get(1).data().path("name").asText()).isEqualTo("web01");
  }

  @ParameterizedTest
  @EnumSource(HyperVHost.Flavor.class)
  void aNameWithPowerShellSyntaxArrivesAsDataOnly(HyperVHost.Flavor flavor) throws Exception {
    start(flavor);
    Path raw = TestDisks.raw(work, "evil", 4, 3);
    host.addVm(INJECTION).disk("IDE", 0, 0, "C:\\Hyper-V\\evil.vhdx", TestDisks.vhdx(raw)).generation = 1;
    ExportedVm e = export(settings(), INJECTION);

    assertThat(e.vm().name()).isEqualTo(INJECTION);
    assertThat(e.vm().firmware()).isEqualTo("bios");
    for (HyperVHost.Invocation i : host.invocations()) {
      assertThat(i.command()).as("the command line is the fixed script").doesNotContain("Remove-Item C:")
          .isIn(PowerShell.Script.VM.command(), PowerShell.Script.LIST.command());
      assertThat(i.script()).doesNotContain(INJECTION);
      assertThat(i.data().path("name").asText()).isEqualTo(INJECTION);
    }
    assertThat(Files.mismatch(Path.of(e.disks().get(0).path()), host.file("C:\\Hyper-V\\evil.vhdx"))).isEqualTo(-1);
  }

  @Test
  void exportsBothDisksInBootOrderAsTheHostHasThem() throws Exception {
    start(HyperVHost.Flavor.POWERSHELL_7);
    ExportedVm e = export(settings(), "web01");

    assertThat(e.exportMethod()).isEqualTo("hyperv-sftp");
    assertThat(e.disks()).hasSize(2);
    assertThat(e.disks().get(0).format()).isEqualTo("vhdx");
    assertThat(Files.mismatch(Path.of(e.disks().get(0).path()), host.file(ROOT_DISK))).isEqualTo(-1);
    assertThat(Files.mismatch(Path.of(e.disks().get(1).path()), host.file(DATA_DISK))).isEqualTo(-1);
    assertThat(Tools.sameContent(osRaw, Path.of(e.disks().get(0).path()))).isTrue();
    assertThat(e.disks().get(0).sha256()).isEqualTo("sha256:" + sha256(host.file(ROOT_DISK)));
    assertThat(e.warnings()).isEmpty();
  }

  @Test
  void aCopyThatKeepsFailingLeavesItsPartAndTheNextRunReadsOnlyWhatIsMissing() throws Exception {
    start(HyperVHost.Flavor.POWERSHELL_7);
    long size = Files.size(host.file(ROOT_DISK));
    // Past the first range and the read-ahead that crosses its end (MINA asks whole 64 KiB reads).
    host.failReadsFrom(SftpCopy.RANGE + (1 << 20));
    assertThatThrownBy(() -> export(settings(), "web01")).isInstanceOf(ProviderException.class)
        .hasMessageStartingWith("bytes " + SftpCopy.RANGE + "-" + (2L * SftpCopy.RANGE - 1) + " of " + ROOT_DISK
            + " failed 4 times: cannot read /C:/Hyper-V/web01/web01-os.vhdx over SFTP: General failure");
    assertThat(work.resolve("out/disk0.vhdx")).doesNotExist();
    assertThat(work.resolve("out/disk0.vhdx.part")).exists();

    host.failReadsFrom(Long.MAX_VALUE);
    long before = host.bytesRead();
    ExportedVm e = export(settings(), "web01");
    assertThat(Files.mismatch(Path.of(e.disks().get(0).path()), host.file(ROOT_DISK))).isEqualTo(-1);
    assertThat(Files.mismatch(Path.of(e.disks().get(1).path()), host.file(DATA_DISK))).isEqualTo(-1);
    long rest = size - SftpCopy.RANGE + Files.size(host.file(DATA_DISK));
    assertThat(host.bytesRead() - before).as("the first range is reused from the part file")
        .isBetween(rest, rest + (1 << 20));
    assertThat(work.resolve("out/disk0.vhdx.blocks")).doesNotExist();
  }

  @Test
  void aRunningVmIsRefusedAndPowerOffStopsIt() throws Exception {
    HyperVHost.Vm vm = start(HyperVHost.Flavor.POWERSHELL_7);
    vm.state = "Running";
    assertThatThrownBy(() -> export(settings(), "web01")).isInstanceOf(ProviderException.class)
        .hasMessage("VM web01 is Running: pass --power-off to shut it down (turned off hard after "
            + "--shutdown-timeout), or shut it down yourself");
    assertThat(vm.state).isEqualTo("Running");
    assertThat(host.invocations()).extracting(HyperVHost.Invocation::command)
        .doesNotContain(PowerShell.Script.STOP.command());

    Map<String, Object> s = settings();
    s.put("power_off", true);
    s.put("shutdown_timeout", 30);
    vm.ignoresShutdown = true;
    ExportedVm e = export(s, "web01");
    assertThat(vm.state).isEqualTo("Off");
    HyperVHost.Invocation stop = host.invocations().stream()
        .filter(i -> i.command().equals(PowerShell.Script.STOP.command())).findFirst().orElseThrow();
    assertThat(stop.data().path("timeoutSeconds").asInt()).isEqualTo(30);
    assertThat(stop.data().path("name").asText()).isEqualTo(vm.id);
    assertThat(e.warnings()).containsExactly("VM web01 did not shut down within 30 s and was turned off");
  }

  @Test
  void aSavedVmIsRefusedWithTheReason() throws Exception {
    start(HyperVHost.Flavor.POWERSHELL_7).state = "Saved";
    Map<String, Object> s = settings();
    s.put("power_off", true);
    assertThatThrownBy(() -> export(s, "web01")).isInstanceOf(ProviderException.class)
        .hasMessageStartingWith("VM web01 is saved (Saved): its disks go with the memory image Hyper-V keeps");
  }

  @Test
  void aCheckpointChainIsMergedOnTheHostAndTheMergedFileRemoved() throws Exception {
    start(HyperVHost.Flavor.WINDOWS_POWERSHELL_51);
    Path base = TestDisks.raw(work, "base", 8, 4);
    Path merged = TestDisks.raw(work, "merged", 8, 5);
    String child = "C:\\Hyper-V\\db01\\db01_4F2A.avhdx";
    host.addVm("db01").checkpointedDisk("SCSI", 0, 0, child, "C:\\Hyper-V\\db01\\db01.vhdx", TestDisks.vhdx(base),
        TestDisks.garbage(work, "child.avhdx", 4096, 6), TestDisks.vhdx(merged));

    Map<String, Object> refuse = settings();
    refuse.put("no_merge", true);
    assertThatThrownBy(() -> export(refuse, "db01")).isInstanceOf(ProviderException.class)
        .hasMessage("disk SCSI 0:0 of VM db01 has checkpoints (db01_4F2A.avhdx is a differencing disk of a chain "
            + "of 2 files), which qemu cannot read: run without --no-merge to merge the chain into a temporary VHDX "
            + "on the host, or delete the VM's checkpoints");
    assertThat(host.invocations()).extracting(HyperVHost.Invocation::command)
        .doesNotContain(PowerShell.Script.MERGE.command());

    ExportedVm e = export(settings(), "db01");
    assertThat(Tools.sameContent(merged, Path.of(e.disks().get(0).path()))).isTrue();
    HyperVHost.Invocation merge = host.invocations().stream()
        .filter(i -> i.command().equals(PowerShell.Script.MERGE.command())).findFirst().orElseThrow();
    assertThat(merge.script()).contains("Convert-VHD -Path $p.path -DestinationPath $p.destination");
    assertThat(merge.data().path("path").asText()).isEqualTo(child);
    assertThat(merge.data().path("destination").asText()).matches("C:\\\\Hyper-V\\\\db01\\\\hypersdk-merge-[0-9a-f-]{36}\\.vhdx");
    assertThat(host.filesNamed("hypersdk-merge-")).as("the merged VHDX is removed").isEmpty();
    assertThat(e.warnings()).singleElement().asString().startsWith("disk SCSI 0:0: checkpoint chain of 2 files merged");
  }

  @Test
  void theMergedFileIsRemovedWhenTheCopyFails() throws Exception {
    start(HyperVHost.Flavor.POWERSHELL_7);
    Path merged = TestDisks.raw(work, "merged", 16, 7);
    host.addVm("db03").checkpointedDisk("SCSI", 0, 0, "C:\\Hyper-V\\db03\\db03_1.avhdx", "C:\\Hyper-V\\db03\\db03.vhdx",
        TestDisks.vhdx(TestDisks.raw(work, "base3", 16, 8)), TestDisks.garbage(work, "c3.avhdx", 4096, 9),
        TestDisks.vhdx(merged));
    host.failReadsFrom(SftpCopy.RANGE + (1 << 20));
    assertThatThrownBy(() -> export(settings(), "db03")).isInstanceOf(ProviderException.class)
        .hasMessageContaining("hypersdk-merge-");
    assertThat(host.invocations()).extracting(HyperVHost.Invocation::command)
        .contains(PowerShell.Script.MERGE.command(), PowerShell.Script.REMOVE.command());
    assertThat(host.filesNamed("hypersdk-merge-")).as("the merged VHDX is removed after the failure").isEmpty();
  }

  @Test
  void aHostKeyThatIsNotThePinnedOneIsRefusedBeforeLogin() throws Exception {
    start(HyperVHost.Flavor.POWERSHELL_7);
    Map<String, Object> s = settings();
    s.put("host_key_fingerprint", "SHA256:" + "A".repeat(43));
    assertThatThrownBy(() -> open(s)).isInstanceOf(ProviderException.class)
        .hasMessage("host key of 127.0.0.1:" + host.port() + " is " + host.fingerprint() + ", not the pinned SHA256:"
            + "A".repeat(43) + ": if the host was reinstalled, check its key on the host (ssh-keygen -lf "
            + "C:\\ProgramData\\ssh\\ssh_host_ecdsa_key.pub) and pass the new --host-key-fingerprint")
        .extracting(x -> ((ProviderException) x).kind()).isEqualTo(ProviderException.Kind.CREDENTIALS);
    assertThat(host.invocations()).isEmpty();
  }

  @Test
  void knownHostsIsCheckedAndAKeyFileLogsIn() throws Exception {
    start(HyperVHost.Flavor.POWERSHELL_7);
    Tools.require("ssh-keygen", "openssh-client");
    Path key = work.resolve("id_ecdsa");
    Tools.run(List.of("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", key.toString()));
    host.authorize(work.resolve("id_ecdsa.pub"));
    Path knownHosts = Files.writeString(work.resolve("known_hosts"), "");
    Map<String, Object> s = settings();
    s.remove("password");
    s.remove("host_key_fingerprint");
    s.put("key_file", key);
    s.put("known_hosts", knownHosts);
    assertThatThrownBy(() -> open(s)).isInstanceOf(ProviderException.class).hasMessageStartingWith(
        "host key of 127.0.0.1:" + host.port() + " (" + host.fingerprint() + ") is not in " + knownHosts);

    Files.writeString(knownHosts, host.knownHostsLine() + "\n");
    try (Provider p = open(s)) {
      assertThat(p.vmInfo("web01").name()).isEqualTo("web01");
    }
  }

  @Test
  void refusedLoginUnknownVmAndMissingPermissionAreOneLineOfTheirKind() throws Exception {
    start(HyperVHost.Flavor.WINDOWS_POWERSHELL_51);
    Map<String, Object> wrong = settings();
    wrong.put("password", "not-it");
    assertThatThrownBy(() -> open(wrong)).isInstanceOf(ProviderException.class)
        .hasMessage("the Hyper-V host 127.0.0.1 refused the login of " + HyperVHost.USER + ": check --username and "
            + "the --key-file or --password-file")
        .extracting(x -> ((ProviderException) x).kind()).isEqualTo(ProviderException.Kind.CREDENTIALS);
    assertThatThrownBy(() -> export(settings(), "web02")).isInstanceOf(ProviderException.class)
        .hasMessage("no VM named 'web02' on HV01")
        .extracting(x -> ((ProviderException) x).kind()).isEqualTo(ProviderException.Kind.NOT_FOUND);
    host.denyHyperV("Get-VM");
    assertThatThrownBy(() -> export(settings(), "web01")).isInstanceOf(ProviderException.class)
        .hasMessage(HyperVHost.USER + " may not run Get-VM on 127.0.0.1: add the user to the host's Hyper-V "
            + "Administrators group (docs/CONFIGURATION.md)")
        .extracting(x -> ((ProviderException) x).kind()).isEqualTo(ProviderException.Kind.PERMISSION);
  }

  static String sha256(Path f) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(Files.readAllBytes(f)));
  }
}
