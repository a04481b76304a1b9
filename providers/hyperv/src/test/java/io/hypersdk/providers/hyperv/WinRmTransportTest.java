package io.hypersdk.providers.hyperv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.VmInfo;
import io.hypersdk.providers.hyperv.testing.HyperVHost;
import io.hypersdk.providers.hyperv.testing.WinRmEndpoint;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hyperv provider with {@code transport winrm} against {@link WinRmEndpoint}: WinRM's shell protocol over
 * HTTPS in process, answering the same PowerShell scripts through the same {@link HyperVHost} as the SSH tests.
 */
@Timeout(120)
class WinRmTransportTest {
  static final String ROOT_DISK = "C:\\Hyper-V\\web01\\web01-os.vhdx";
  static final String DATA_DISK = "C:\\Hyper-V\\web01\\web01-data.vhdx";

  @TempDir
  Path work;
  HyperVHost host;
  WinRmEndpoint winrm;
  Path osRaw;
  Path dataRaw;

  @AfterEach
  void stop() throws Exception {
    if (winrm != null) {
      winrm.close();
    }
    if (host != null) {
      host.close();
    }
  }

  /** The host and its listener, without VMs: enough for the tests that end at the login. */
  private void startListener(HyperVHost.Flavor flavor) throws Exception {
    host = new HyperVHost(work, flavor);
    winrm = new WinRmEndpoint(host, work);
  }

  private void start(HyperVHost.Flavor flavor) throws Exception {
    startListener(flavor);
    // VHDX files of 16 MiB each (qemu-img's metadata and block layout): four 4 MiB ranges.
    osRaw = TestDisks.raw(work, "os", 4, 1);
    dataRaw = TestDisks.raw(work, "data", 2, 2);
    host.addVm("web01").disk("SCSI", 0, 0, DATA_DISK, TestDisks.vhdx(dataRaw))
        .disk("SCSI", 0, 1, ROOT_DISK, TestDisks.vhdx(osRaw)).bootFrom(ROOT_DISK)
        .nic("Network Adapter", "00155D010203", "External");
  }

  private Map<String, Object> settings() throws Exception {
    Map<String, Object> s = new HashMap<>();
    s.put("transport", "winrm");
    s.put("host", "127.0.0.1");
    s.put("port", winrm.port());
    s.put("username", HyperVHost.USER);
    s.put("password", HyperVHost.PASSWORD);
    s.put("winrm_thumbprint", winrm.thumbprint());
    return s;
  }

  private static Provider open(Map<String, Object> s) throws ProviderException {
    HyperVProviderFactory f = new HyperVProviderFactory();
    return f.open(ProviderSettings.builder(f).setAll(s).build(Map.of()));
  }

  private ExportedVm export(Map<String, Object> s, String vm) throws Exception {
    try (Provider p = open(s)) {
      return p.export(new ExportRequest(vm, work.resolve("out"), ExportFormat.OVF), ExportProgress.NONE);
    }
  }

  private static void refused(Map<String, Object> s, Kind kind, String message) {
    assertThatThrownBy(() -> open(s).close()).isInstanceOf(ProviderException.class).hasMessage(message)
        .extracting(x -> ((ProviderException) x).kind()).isEqualTo(kind);
  }

  @Test
  void listsAndDescribesOverWinRmWithTheSameScripts() throws Exception {
    start(HyperVHost.Flavor.WINDOWS_POWERSHELL_51);
    VmInfo vm;
    try (Provider p = open(settings())) {
      assertThat(p.listVms()).singleElement().satisfies(v -> assertThat(v.name()).isEqualTo("web01"));
      vm = p.vmInfo("web01");
    }
    assertThat(vm.firmware()).isEqualTo("uefi");
    assertThat(vm.disks()).extracting(d -> d.file()).containsExactly(ROOT_DISK, DATA_DISK);
    assertThat(host.invocations()).extracting(HyperVHost.Invocation::command)
        .containsExactly(PowerShell.Script.LIST.command(), PowerShell.Script.VM.command());
    // One shell, reused for both commands, each retried past the TimedOut fault, and deleted on close.
    assertThat(winrm.actions()).containsExactly("Create", "Command", "Send", "Receive", "Receive", "Command", "Send",
        "Receive", "Receive", "Delete");
    assertThat(winrm.openShells()).isZero();
  }

  @Test
  void exportsAGeneration2VmWithTwoDisksInChunksWithinTheEnvelopeSize() throws Exception {
    start(HyperVHost.Flavor.POWERSHELL_7);
    Map<String, Object> s = settings();
    s.remove("winrm_thumbprint");
    s.put("winrm_ca_file", winrm.writeCertificate(work.resolve("ca.pem")).toString());
    ExportedVm e = export(s, "web01");

    assertThat(e.exportMethod()).isEqualTo("hyperv-winrm");
    assertThat(e.vm().firmware()).isEqualTo("uefi");
    assertThat(e.disks()).hasSize(2);
    assertThat(Files.mismatch(Path.of(e.disks().get(0).path()), host.file(ROOT_DISK))).isEqualTo(-1);
    assertThat(Files.mismatch(Path.of(e.disks().get(1).path()), host.file(DATA_DISK))).isEqualTo(-1);
    assertThat(Tools.sameContent(osRaw, Path.of(e.disks().get(0).path()))).as("qemu-img compare").isTrue();
    assertThat(Tools.sameContent(dataRaw, Path.of(e.disks().get(1).path()))).as("qemu-img compare").isTrue();
    assertThat(e.disks().get(0).sha256()).isEqualTo("sha256:" + HyperVProviderTest.sha256(host.file(ROOT_DISK)));
    assertThat(Files.size(host.file(ROOT_DISK))).as("several ranges").isGreaterThan(2L * WinRmFiles.RANGE);
    assertThat(host.invocations()).extracting(HyperVHost.Invocation::command)
        .contains(PowerShell.Script.READ.command(), PowerShell.Script.STAT.command());
    assertThat(winrm.largestRequest()).isLessThanOrEqualTo(WsMan.MAX_ENVELOPE);
    assertThat(winrm.largestResponse()).isLessThanOrEqualTo(WsMan.MAX_ENVELOPE).isGreaterThan(WsMan.MAX_ENVELOPE / 2);
    assertThat(winrm.openShells()).as("every shell deleted").isZero();
    assertThat(work.resolve("out/disk0.vhdx.blocks")).doesNotExist();
  }

  @Test
  void aConnectionThatDropsDuringAReadIsRetriedInANewShell() throws Exception {
    start(HyperVHost.Flavor.POWERSHELL_7);
    winrm.dropReceives(2);
    ExportedVm e = export(settings(), "web01");

    assertThat(Files.mismatch(Path.of(e.disks().get(0).path()), host.file(ROOT_DISK))).isEqualTo(-1);
    assertThat(Files.mismatch(Path.of(e.disks().get(1).path()), host.file(DATA_DISK))).isEqualTo(-1);
    assertThat(winrm.actions()).as("the dropped commands were stopped").contains("Signal");
    assertThat(winrm.openShells()).as("every shell deleted, the broken ones too").isZero();
  }

  @Test
  void aNameWithPowerShellSyntaxArrivesAsDataOnly() throws Exception {
    start(HyperVHost.Flavor.WINDOWS_POWERSHELL_51);
    Path raw = TestDisks.raw(work, "evil", 2, 3);
    host.addVm(HyperVProviderTest.INJECTION).disk("IDE", 0, 0, "C:\\Hyper-V\\evil.vhdx", TestDisks.vhdx(raw))
        .generation = 1;
    ExportedVm e = export(settings(), HyperVProviderTest.INJECTION);

    assertThat(e.vm().name()).isEqualTo(HyperVProviderTest.INJECTION);
    for (HyperVHost.Invocation i : host.invocations()) {
      assertThat(i.command()).isIn(PowerShell.Script.VM.command(), PowerShell.Script.STAT.command(),
          PowerShell.Script.READ.command());
      assertThat(i.script()).doesNotContain(HyperVProviderTest.INJECTION);
    }
    assertThat(host.invocations().get(0).data().path("name").asText()).isEqualTo(HyperVProviderTest.INJECTION);
    assertThat(Files.mismatch(Path.of(e.disks().get(0).path()), host.file("C:\\Hyper-V\\evil.vhdx"))).isEqualTo(-1);
  }

  @Test
  void aWrongPasswordIsACredentialsFailure() throws Exception {
    startListener(HyperVHost.Flavor.POWERSHELL_7);
    Map<String, Object> s = settings();
    s.put("password", "not-it");
    refused(s, Kind.CREDENTIALS, "the Hyper-V host 127.0.0.1 refused the WinRM login of " + HyperVHost.USER
        + ": check --username and --password-file, and that the HTTPS listener allows Basic authentication "
        + "(winrm set winrm/config/service/auth @{Basic=\"true\"})");
  }

  @Test
  void aUserWinRmDeniesTheShellLacksAPermission() throws Exception {
    startListener(HyperVHost.Flavor.POWERSHELL_7);
    winrm.denyShells();
    refused(settings(), Kind.PERMISSION, HyperVHost.USER + " may not open a shell on 127.0.0.1 over WinRM (access "
        + "denied): add the user to the host's Administrators or Remote Management Users group "
        + "(docs/CONFIGURATION.md)");
  }

  @Test
  void aServiceWithASmallerEnvelopeLimitSaysWhatToRaise() throws Exception {
    startListener(HyperVHost.Flavor.POWERSHELL_7);
    winrm.maxEnvelopeKb(150);
    refused(settings(), Kind.EXPORT_FAILED, "WinRM on 127.0.0.1 takes envelopes smaller than 500 KB: raise it on the "
        + "host (winrm set winrm/config @{MaxEnvelopeSizekb=\"500\"})");
  }

  @Test
  void anotherCertificateIsRefusedNamingTheThumbprintSeen() throws Exception {
    startListener(HyperVHost.Flavor.POWERSHELL_7);
    Map<String, Object> s = settings();
    String pinned = "AB".repeat(32);
    s.put("winrm_thumbprint", pinned.toLowerCase().replaceAll("(..)(?!$)", "$1:"));
    refused(s, Kind.CREDENTIALS, "the WinRM certificate of 127.0.0.1:" + winrm.port() + " has SHA-256 thumbprint "
        + winrm.thumbprint() + ", not the pinned " + pinned + ": if the listener's certificate was renewed, check "
        + "it on the host and pass the new --winrm-thumbprint");

    s.remove("winrm_thumbprint");
    assertThatThrownBy(() -> open(s).close()).isInstanceOf(ProviderException.class)
        .hasMessageStartingWith("the WinRM certificate of 127.0.0.1:" + winrm.port() + " (SHA-256 thumbprint "
            + winrm.thumbprint() + ", CN=127.0.0.1) is not trusted by the system CA store")
        .hasMessageEndingWith("pass --winrm-ca-file with the issuing CA, or --winrm-thumbprint " + winrm.thumbprint()
            + " after checking it on the host");
    assertThat(host.invocations()).as("nothing ran, no password sent").isEmpty();
  }

  @Test
  void plainHttpAndSshOnlySettingsAreRefused() throws Exception {
    Map<String, Object> s = new HashMap<>(Map.of("transport", "winrm", "host", "http://hv01:5985/wsman",
        "username", "u", "password", "p"));
    refused(s, Kind.INVALID_REQUEST, "--hyperv-host http://hv01:5985/wsman is plain http, which would send the "
        + "password in the clear: give the host name with --transport winrm, which speaks HTTPS to the listener on "
        + "port 5986");
    s.put("host", "hv01");
    s.put("winrm_thumbprint", "0123456789ABCDEF0123456789ABCDEF01234567");
    refused(s, Kind.INVALID_REQUEST, "--winrm-thumbprint must be the certificate's SHA-256 thumbprint, 64 hex digits "
        + "(colons allowed), not '0123456789ABCDEF0123456789ABCDEF01234567': that is the SHA-1 thumbprint Windows "
        + "lists; docs/CONFIGURATION.md shows how to get the SHA-256 one");
    s.remove("winrm_thumbprint");
    s.put("host_key_fingerprint", "SHA256:" + "A".repeat(43));
    refused(s, Kind.INVALID_REQUEST, "--known-hosts and --host-key-fingerprint are for --transport ssh; WinRM checks "
        + "the listener's certificate: pass --winrm-thumbprint or --winrm-ca-file");
    s.remove("host_key_fingerprint");
    s.remove("password");
    refused(s, Kind.INVALID_REQUEST, "no password to log in to hv01 as u over WinRM: pass --password-file FILE (or set "
        + "HYPERSDK_HYPERV_PASSWORD)");
    refused(Map.of("host", "hv01", "username", "u", "password", "p", "host_key_fingerprint", "SHA256:" + "A".repeat(43),
        "winrm_thumbprint", "AB".repeat(32)), Kind.INVALID_REQUEST, "--winrm-ca-file and --winrm-thumbprint are for "
        + "--transport winrm; over SSH the host key is checked (--host-key-fingerprint or --known-hosts)");
  }

  @Test
  void anUnreachableListenerIsANetworkFailure() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Map<String, Object> s = new HashMap<>(Map.of("transport", "winrm", "host", "127.0.0.1", "port", port,
        "username", "u", "password", "p", "winrm_thumbprint", "AB".repeat(32)));
    assertThatThrownBy(() -> open(s).close()).isInstanceOf(ProviderException.class)
        .hasMessageStartingWith("cannot reach WinRM on the Hyper-V host 127.0.0.1 on port " + port + " (Connect)")
        .extracting(x -> ((ProviderException) x).kind()).isEqualTo(Kind.NETWORK);
  }
}
