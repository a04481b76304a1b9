package io.hypersdk.providers.vsphere;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.providers.DiskInfo;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.VmInfo;
import io.hypersdk.providers.VmSummary;
import io.hypersdk.providers.vsphere.testing.Vcsim;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Login, listing, lookup and VM facts against the simulator (read-only: one simulator for the class). */
class VsphereProviderTest {
  @TempDir
  static Path work;
  static Vcsim sim;

  @BeforeAll
  static void start() throws Exception {
    sim = Vcsim.start(work.resolve("sim"), "-duplicate", "DC0_H0_VM0", "-efi", "DC0_C0_RP0_VM1",
        "-second-disk", "DC0_H0_VM1");
  }

  @AfterAll
  static void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void aWrongPasswordIsOneLineThatNeverShowsAPassword() throws Exception {
    Map<String, String> s = Sim.settings(sim, work);
    Path wrong = work.resolve("wrong.pw");
    java.nio.file.Files.writeString(wrong, "not-the-Password-42\n");
    s.put(VsphereSettings.PASSWORD_FILE, wrong.toString());

    assertThatThrownBy(() -> Sim.open(s)).isInstanceOf(ProviderException.class)
        .hasMessageContaining("rejected the login of " + Vcsim.USER)
        .hasMessageContaining("wrong user name or password")
        .hasMessageNotContaining("not-the-Password-42").hasMessageNotContaining(Vcsim.PASSWORD)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void anUnreachableVcenterSaysSo() throws Exception {
    Map<String, String> s = Sim.settings(sim, work);
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      s.put(VsphereSettings.URL, "http://127.0.0.1:" + free.getLocalPort() + "/sdk");
    }
    assertThatThrownBy(() -> Sim.open(s)).isInstanceOf(ProviderException.class)
        .hasMessageStartingWith("cannot connect to vCenter at 127.0.0.1:");
  }

  @Test
  void listsEveryVmWithItsPathAndHardware() throws Exception {
    try (Provider p = Sim.open(Sim.settings(sim, work))) {
      List<VmSummary> vms = p.listVms();
      assertThat(vms).extracting(VmSummary::path).containsExactlyInAnyOrder("/DC0/vm/DC0_H0_VM0",
          "/DC0/vm/DC0_H0_VM1", "/DC0/vm/DC0_C0_RP0_VM0", "/DC0/vm/DC0_C0_RP0_VM1", "/DC0/vm/dup/DC0_H0_VM0");
      VmSummary two = vms.stream().filter(v -> v.path().equals("/DC0/vm/DC0_H0_VM1")).findFirst().orElseThrow();
      assertThat(two.name()).isEqualTo("DC0_H0_VM1");
      assertThat(two.powerState()).isEqualTo("poweredOn");
      assertThat(two.cpu()).isEqualTo(1);
      assertThat(two.memoryMiB()).isEqualTo(32);
      assertThat(two.disks()).isEqualTo(2);
    }
  }

  @Test
  void describesAVm() throws Exception {
    try (Provider p = Sim.open(Sim.settings(sim, work))) {
      VmInfo vm = p.vmInfo("/DC0/vm/DC0_H0_VM1");
      assertThat(vm.name()).isEqualTo("DC0_H0_VM1");
      assertThat(vm.path()).isEqualTo("/DC0/vm/DC0_H0_VM1");
      assertThat(vm.datacenter()).isEqualTo("DC0");
      assertThat(vm.cpu()).isEqualTo(1);
      assertThat(vm.memoryMiB()).isEqualTo(32);
      assertThat(vm.memGb()).as("32 MiB rounds up to 1 GiB, never 0").isEqualTo(1);
      assertThat(vm.firmware()).isEqualTo("bios");
      assertThat(vm.guestId()).isEqualTo("otherGuest");
      assertThat(vm.powerState()).isEqualTo("poweredOn");
      assertThat(vm.disks()).extracting(DiskInfo::id).containsExactly("disk-0", "disk-1");
      assertThat(vm.disks().get(0).capacityBytes()).isEqualTo(16L << 20);
      assertThat(vm.disks().get(0).file()).endsWith("DC0_H0_VM1/disk1.vmdk");
      assertThat(vm.disks().get(1).file()).endsWith("DC0_H0_VM1/data.vmdk");
      assertThat(vm.nics()).hasSize(1);
      assertThat(vm.nics().get(0).mac()).matches("([0-9a-f]{2}:){5}[0-9a-f]{2}");
      assertThat(vm.nics().get(0).network()).isEqualTo("DC0_DVPG0");
    }
  }

  @Test
  void efiFirmwareIsUefiInTheManifestsTerms() throws Exception {
    try (Provider p = Sim.open(Sim.settings(sim, work))) {
      assertThat(p.vmInfo("DC0_C0_RP0_VM1").firmware()).isEqualTo("uefi");
    }
  }

  @Test
  void aUniqueNameOrARelativePathFindsTheVm() throws Exception {
    try (Provider p = Sim.open(Sim.settings(sim, work))) {
      assertThat(p.vmInfo("DC0_C0_RP0_VM0").path()).isEqualTo("/DC0/vm/DC0_C0_RP0_VM0");
      assertThat(p.vmInfo("dup/DC0_H0_VM0").path()).isEqualTo("/DC0/vm/dup/DC0_H0_VM0");
    }
  }

  @Test
  void anAmbiguousNameListsTheMatches() throws Exception {
    try (Provider p = Sim.open(Sim.settings(sim, work))) {
      assertThatThrownBy(() -> p.vmInfo("DC0_H0_VM0")).isInstanceOf(ProviderException.class)
          .hasMessageContaining("ambiguous").hasMessageContaining("/DC0/vm/DC0_H0_VM0")
          .hasMessageContaining("/DC0/vm/dup/DC0_H0_VM0")
          .extracting(e -> ((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.INVALID_REQUEST);
    }
  }

  @Test
  void anUnknownVmIsNotFound() throws Exception {
    try (Provider p = Sim.open(Sim.settings(sim, work))) {
      assertThatThrownBy(() -> p.vmInfo("/DC0/vm/nope")).isInstanceOf(ProviderException.class)
          .hasMessageContaining("VM /DC0/vm/nope not found")
          .extracting(e -> ((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.NOT_FOUND);
      assertThatThrownBy(() -> p.vmInfo("nope")).hasMessageContaining("no VM named nope in datacenter(s) DC0");
    }
  }
}
