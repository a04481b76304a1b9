package io.hypersdk.providers.vsphere;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.io.Sha256;
import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedDisk;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ovf.Tar;
import io.hypersdk.providers.vsphere.testing.Vcsim;
import io.hypersdk.providers.vsphere.vim25.MoRef;
import io.hypersdk.providers.vsphere.vim25.Tasks;
import io.hypersdk.providers.vsphere.vim25.TlsTrust;
import io.hypersdk.providers.vsphere.vim25.VimConnection;
import io.hypersdk.providers.vsphere.vim25.Xml;
import io.hypersdk.testing.TestDisks;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NFC exports from the simulator, with real streamOptimized VMDKs in place of its empty disk files. */
class ExportTest {
  static final String VM = "/DC0/vm/DC0_H0_VM1";

  @TempDir
  Path work;
  Vcsim sim;
  Path bootVmdk;
  Path dataVmdk;

  @BeforeEach
  void start() throws Exception {
    sim = Vcsim.start(work.resolve("sim"), "-second-disk", "DC0_H0_VM1");
    Path raw = Files.createDirectories(work.resolve("raw"));
    bootVmdk = TestDisks.vmdkStreamOptimized(TestDisks.raw(raw, "boot", 16, 21));
    dataVmdk = TestDisks.vmdkStreamOptimized(TestDisks.raw(raw, "data", 16, 22));
    sim.putDisk(VM, 0, bootVmdk);
    sim.putDisk(VM, 1, dataVmdk);
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private Map<String, String> settings(boolean powerOff) throws Exception {
    Map<String, String> s = Sim.settings(sim, work);
    if (powerOff) {
      s.put(VsphereSettings.POWER_OFF, "true");
      s.put(VsphereSettings.SHUTDOWN_TIMEOUT, "30");
    }
    return s;
  }

  @Test
  void aPoweredOnVmIsRefusedWithoutPowerOffAndLeftRunning() throws Exception {
    try (Provider p = Sim.open(settings(false))) {
      assertThatThrownBy(() -> p.export(new ExportRequest(VM, work.resolve("out"), ExportFormat.OVF),
          ExportProgress.NONE)).isInstanceOf(ProviderException.class)
          .hasMessageContaining("is poweredOn").hasMessageContaining("--power-off");
      assertThat(p.vmInfo(VM).powerState()).isEqualTo("poweredOn");
    }
    assertThat(sim.soapCalls()).doesNotContain("ExportVm", "ShutdownGuest", "PowerOffVM_Task");
  }

  @Test
  void exportsEveryDiskHashedWithADescriptorAndCompletesTheLease() throws Exception {
    Path out = work.resolve("out");
    ExportedVm vm;
    try (Provider p = Sim.open(settings(true))) {
      vm = p.export(new ExportRequest(VM, out, ExportFormat.OVF), ExportProgress.NONE);
    }
    assertThat(vm.exportMethod()).isEqualTo("nfc");
    assertThat(vm.vm().powerState()).isEqualTo("poweredOff");
    assertThat(vm.disks()).extracting(ExportedDisk::bootOrderHint).containsExactly(0, 1);
    assertThat(vm.disks()).extracting(ExportedDisk::path).containsExactly(out.resolve("DC0_H0_VM1-disk1.vmdk")
        .toString(), out.resolve("DC0_H0_VM1-disk2.vmdk").toString());
    List<Path> sources = List.of(bootVmdk, dataVmdk);
    for (int i = 0; i < 2; i++) {
      ExportedDisk d = vm.disks().get(i);
      assertThat(d.sha256()).isEqualTo(Sha256.ofFile(sources.get(i))).isEqualTo(Sha256.ofFile(Path.of(d.path())));
      assertThat(d.bytes()).isEqualTo(Files.size(sources.get(i)));
      assertThat(d.format()).isEqualTo("vmdk");
    }
    String ovf = Files.readString(out.resolve("DC0_H0_VM1.ovf"));
    assertThat(ovf).as("the server's descriptor (OvfManager.CreateDescriptor)").contains("Virtual Hardware Family",
        "ovf:href=\"DC0_H0_VM1-disk1.vmdk\" ovf:id=\"file1\" ovf:size=\"" + Files.size(bootVmdk) + "\"",
        "ovf:href=\"DC0_H0_VM1-disk2.vmdk\" ovf:id=\"file2\" ovf:size=\"" + Files.size(dataVmdk) + "\"",
        "ovf:capacity=\"" + (16L << 20) + "\"");
    assertThat(vm.warnings()).isEmpty();
    io.hypersdk.providers.VmInfo parsed = io.hypersdk.providers.ovf.OvfDescriptor.parse(ovf.getBytes(
        StandardCharsets.UTF_8), "exported descriptor");
    assertThat(parsed.disks()).extracting(io.hypersdk.providers.DiskInfo::file)
        .containsExactly("DC0_H0_VM1-disk1.vmdk", "DC0_H0_VM1-disk2.vmdk");
    assertThat(parsed.cpu()).isEqualTo(1);
    assertThat(parsed.memoryMiB()).isEqualTo(32);
    assertThat(Files.readAllLines(out.resolve("DC0_H0_VM1.mf"))).containsExactly(
        "SHA256(DC0_H0_VM1.ovf)= " + hex(Sha256.ofFile(out.resolve("DC0_H0_VM1.ovf"))),
        "SHA256(DC0_H0_VM1-disk1.vmdk)= " + hex(vm.disks().get(0).sha256()),
        "SHA256(DC0_H0_VM1-disk2.vmdk)= " + hex(vm.disks().get(1).sha256()));
    List<String> calls = sim.soapCalls();
    assertThat(calls).containsSubsequence("ShutdownGuest", "ExportVm", "HttpNfcLeaseProgress",
        "HttpNfcLeaseComplete", "CreateDescriptor", "Logout");
    assertThat(calls).doesNotContain("HttpNfcLeaseAbort", "PowerOffVM_Task");
  }

  @Test
  void withoutCreateDescriptorTheDescriptorIsWrittenFromTheHardware() throws Exception {
    sim.close();
    sim = Vcsim.start(work.resolve("sim2"), "-second-disk", "DC0_H0_VM1", "-no-create-descriptor");
    sim.putDisk(VM, 0, bootVmdk);
    sim.putDisk(VM, 1, dataVmdk);
    Path out = work.resolve("out");
    ExportedVm vm;
    try (Provider p = Sim.open(settings(true))) {
      vm = p.export(new ExportRequest(VM, out, ExportFormat.OVF), ExportProgress.NONE);
    }
    String ovf = Files.readString(out.resolve("DC0_H0_VM1.ovf"));
    assertThat(ovf).doesNotContain("Virtual Hardware Family").contains("ovf:href=\"DC0_H0_VM1-disk1.vmdk\"",
        "ovf:href=\"DC0_H0_VM1-disk2.vmdk\"", "ovf:capacity=\"" + (16L << 20) + "\"", "DC0_DVPG0");
    assertThat(vm.warnings()).as("a server without CreateDescriptor is normal").isEmpty();
    assertThat(sim.soapCalls()).contains("CreateDescriptor", "HttpNfcLeaseComplete");
  }

  @Test
  void aSuspendedVmIsPoweredOffHardWithAWarning() throws Exception {
    // Suspended through the project's own client: SearchIndex finds the VM, SuspendVM_Task suspends it.
    try (VimConnection vim = VimConnection.open(java.net.URI.create(sim.url()), TlsTrust.system(),
        java.time.Duration.ofSeconds(30))) {
      vim.login(Vcsim.USER, Vcsim.PASSWORD);
      MoRef ref = Xml.moRef(Xml.child(vim.invoke("FindByInventoryPath", vim.content().searchIndex(),
          "<inventoryPath>DC0/vm/DC0_H0_VM1</inventoryPath>"), "returnval").orElseThrow());
      Tasks.await(vim, Xml.moRef(Xml.child(vim.invoke("SuspendVM_Task", ref, ""), "returnval").orElseThrow()),
          java.time.Duration.ofSeconds(30));
    }
    ExportedVm vm;
    try (Provider p = Sim.open(settings(true))) {
      assertThat(p.vmInfo(VM).powerState()).isEqualTo("suspended");
      vm = p.export(new ExportRequest(VM, work.resolve("out"), ExportFormat.OVF), ExportProgress.NONE);
    }
    assertThat(vm.warnings()).containsExactly(VM + " was powered off hard: the VM was suspended");
    assertThat(sim.soapCalls()).contains("PowerOffVM_Task", "HttpNfcLeaseComplete").doesNotContain("ShutdownGuest");
  }

  @Test
  void anOvaHasTheDescriptorFirstThenTheDisksThenAMatchingManifest() throws Exception {
    Path out = work.resolve("out");
    ExportedVm vm;
    try (Provider p = Sim.open(settings(true))) {
      vm = p.export(new ExportRequest(VM, out, ExportFormat.OVA), ExportProgress.NONE);
    }
    assertThat(vm.archive()).isEqualTo(out.resolve("DC0_H0_VM1.ova").toString());
    List<String> names = new ArrayList<>();
    List<String> mf = new ArrayList<>();
    List<String> hashes = new ArrayList<>();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(Path.of(vm.archive())))) {
      Tar.Reader tar = new Tar.Reader(in);
      for (Tar.Entry e; (e = tar.next()) != null; ) {
        names.add(e.name());
        byte[] content = tar.content().readAllBytes();
        assertThat(content.length).isEqualTo(e.size());
        if (e.name().endsWith(".mf")) {
          mf.addAll(new String(content, StandardCharsets.UTF_8).lines().toList());
        } else {
          hashes.add("SHA256(" + e.name() + ")= " + HexFormat.of().formatHex(
              java.security.MessageDigest.getInstance("SHA-256").digest(content)));
        }
      }
    }
    assertThat(names).containsExactly("DC0_H0_VM1.ovf", "DC0_H0_VM1-disk1.vmdk", "DC0_H0_VM1-disk2.vmdk",
        "DC0_H0_VM1.mf");
    assertThat(mf).containsExactlyElementsOf(hashes);
  }

  @Test
  void aFailedDownloadAbortsTheLeaseAndLeavesNoDisks() throws Exception {
    // A folder where the data disk should be: the simulator answers HTTP 500 for it, every time.
    Path data = sim.disks(VM).get(1);
    Files.delete(data);
    Files.createDirectories(data);
    Path out = work.resolve("out");
    try (Provider p = Sim.open(settings(true))) {
      assertThatThrownBy(() -> p.export(new ExportRequest(VM, out, ExportFormat.OVF), ExportProgress.NONE))
          .isInstanceOf(ProviderException.class)
          .hasMessageContaining("failed after 3 attempts").hasMessageContaining("HTTP 500");
    }
    List<String> calls = sim.soapCalls();
    assertThat(calls).contains("ExportVm", "HttpNfcLeaseAbort").doesNotContain("HttpNfcLeaseComplete");
    assertThat(calls.indexOf("HttpNfcLeaseAbort")).isLessThan(calls.lastIndexOf("Logout"));
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.map(f -> f.getFileName().toString())).as("no disk or partial file is left").isEmpty();
    }
  }

  @Test
  void aDownloadCutHalfWayIsRetriedThenTheLeaseIsAborted() throws Exception {
    // The simulator sends half of the data disk, then cuts the connection: on every attempt.
    Path data = sim.disks(VM).get(1);
    Files.writeString(data.resolveSibling(data.getFileName() + ".fail-after"), Long.toString(Files.size(data) / 2));
    Path out = work.resolve("out");
    try (Provider p = Sim.open(settings(true))) {
      assertThatThrownBy(() -> p.export(new ExportRequest(VM, out, ExportFormat.OVF), ExportProgress.NONE))
          .isInstanceOf(ProviderException.class).hasMessageContaining("failed after 3 attempts");
    }
    assertThat(sim.log().split("cut after " + Files.size(data) / 2 + " bytes", -1)).as("three attempts").hasSize(4);
    assertThat(sim.soapCalls()).contains("HttpNfcLeaseAbort").doesNotContain("HttpNfcLeaseComplete");
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.map(f -> f.getFileName().toString())).as("no disk or partial file is left").isEmpty();
    }
  }

  @Test
  void anInterruptedExportAbortsTheLeaseAndLeavesNoPartialFiles() throws Exception {
    Path data = sim.disks(VM).get(1);
    Files.writeString(data.resolveSibling(data.getFileName() + ".stall"), "");
    Path out = work.resolve("out");
    java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
    try (Provider p = Sim.open(settings(true))) {
      Thread t = new Thread(() -> {
        try {
          p.export(new ExportRequest(VM, out, ExportFormat.OVF), ExportProgress.NONE);
        } catch (Throwable e) {
          thrown.set(e);
        }
      });
      t.start();
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
          .until(() -> sim.log().contains("stalling"));
      t.interrupt();
      t.join(30_000);
      assertThat(t.isAlive()).isFalse();
    }
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    assertThat(sim.soapCalls()).contains("HttpNfcLeaseAbort").doesNotContain("HttpNfcLeaseComplete");
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.map(f -> f.getFileName().toString())).isEmpty();
    }
  }

  @Test
  void aReExportIntoTheSameFolderStartsClean() throws Exception {
    Path out = Files.createDirectories(work.resolve("out"));
    Files.writeString(out.resolve("DC0_H0_VM1-disk3.vmdk"), "a disk of an earlier export");
    Files.writeString(out.resolve("DC0_H0_VM1-disk1.vmdk"), "stale");
    Files.writeString(out.resolve("other.txt"), "not ours");
    try (Provider p = Sim.open(settings(true))) {
      p.export(new ExportRequest(VM, out, ExportFormat.OVF), ExportProgress.NONE);
    }
    try (Stream<Path> s = Files.list(out)) {
      assertThat(s.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("DC0_H0_VM1-disk1.vmdk",
          "DC0_H0_VM1-disk2.vmdk", "DC0_H0_VM1.ovf", "DC0_H0_VM1.mf", "other.txt");
    }
    assertThat(Sha256.ofFile(out.resolve("DC0_H0_VM1-disk1.vmdk"))).isEqualTo(Sha256.ofFile(bootVmdk));
  }

  private static String hex(String sha256) {
    return sha256.substring(Sha256.PREFIX.length());
  }
}
