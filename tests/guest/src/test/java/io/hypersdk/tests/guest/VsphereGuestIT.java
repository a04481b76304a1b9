package io.hypersdk.tests.guest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.providers.vsphere.testing.Vcsim;
import io.hypersdk.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test guest's disks exported from the vCenter simulator over NFC (as from a real vSphere), then through
 * the queue daemon, the fix stage and the boot check: the same guest boots whichever provider brought it.
 */
@Timeout(value = 30, unit = java.util.concurrent.TimeUnit.MINUTES)
class VsphereGuestIT {
  /** The simulator's VM that gets a second disk; its firmware is BIOS. */
  static final String VM = "/DC0/vm/DC0_H0_VM1";

  @TempDir
  Path work;

  @Test
  void theGuestExportedOverNfcIsFixedAndBoots() throws Exception {
    Path disks = Files.createDirectories(work.resolve("ova"));
    Tools.run(List.of("tar", "-xf", TestGuest.ova("bios").toString(), "-C", disks.toString()));
    try (Vcsim sim = Vcsim.start(work.resolve("sim"), "-second-disk", "DC0_H0_VM1", "-disk-mib",
            Long.toString(TestGuest.DISK_MIB));
        GuestPipeline pipeline = new GuestPipeline(work.resolve("pipeline"))) {
      sim.putDisk(VM, 0, disks.resolve("hypersdk-guest-disk1.vmdk"));
      sim.putDisk(VM, 1, disks.resolve("hypersdk-guest-disk2.vmdk"));
      Path password = work.resolve("vcenter.pw");
      Files.writeString(password, Vcsim.PASSWORD + "\n");
      List<String> args = new ArrayList<>(List.of("--provider", "vsphere", "--vcenter-url", sim.url(), "--username",
          Vcsim.USER, "--password-file", password.toString(), "--vm", VM, "--power-off"));
      args.addAll(List.of(GuestFlags.bootCheckOn()));

      GuestPipeline.Run run = pipeline.export("vsphere", "DC0_H0_VM1", args);

      assertThat(run.tool().exit()).as("%s", run).isZero();
      assertThat(run.tool().stdout() + run.tool().stderr()).doesNotContain(Vcsim.PASSWORD);
      assertThat(sim.soapCalls()).contains("ExportVm", "HttpNfcLeaseComplete");
      JsonNode boot = run.result().path("boot_check");
      assertThat(boot.path("status").asText()).as("%s", boot).isEqualTo("passed");
      GuestReport guest = run.guestReport();
      assertThat(guest.complete()).as("the guest's report:\n%s\n%s", guest, boot).isTrue();
      assertThat(guest.nic("ens192")).as("NICs: %s", guest.all("NIC")).get().asString()
          .containsPattern("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+");
      assertThat(guest.first("VMTOOLS")).contains("absent");
      assertThat(guest.all("FSTAB")).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("UUID="));
      assertThat(guest.first("HOME")).get().asString().matches("/dev/vd[a-z]1 ext4 /home/HYPERSDK-HOME-DISK");
    }
  }
}
