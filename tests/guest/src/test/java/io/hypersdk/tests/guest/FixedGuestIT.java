package io.hypersdk.tests.guest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VMware-like guest, BIOS and UEFI, through hyperexport, the queue daemon, the fix stage and the boot
 * check: it boots on virtio, keeps its NIC's name, loses open-vm-tools, gets UUIDs in fstab and still mounts
 * /home from its second disk. One conversion per firmware serves every assertion about it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 45, unit = java.util.concurrent.TimeUnit.MINUTES)
class FixedGuestIT {
  GuestPipeline pipeline;

  @BeforeAll
  void start(@TempDir Path work) {
    pipeline = new GuestPipeline(work);
  }

  @AfterAll
  void stop() {
    pipeline.close();
  }

  @Test
  void theBiosGuestIsFixedAndBootsOnVirtio() throws Exception {
    assertFixedAndBooted("bios", pipeline.exportLocal(TestGuest.ova("bios"), TestGuest.vmName("bios"), "bios",
        GuestFlags.bootCheckOn()));
  }

  @Test
  void theUefiGuestIsFixedAndBootsOnVirtioWithOvmf() throws Exception {
    GuestPipeline.Run run = pipeline.exportLocal(TestGuest.ova("uefi"), TestGuest.vmName("uefi"), "uefi",
        GuestFlags.bootCheckOn());
    assertFixedAndBooted("uefi", run);
    String domain = Files.readString(Path.of(run.json().path("pipeline").path("domain_xml").asText()),
        StandardCharsets.UTF_8);
    assertThat(domain).as("UEFI firmware in the domain").containsPattern("(?s)<os[^>]*firmware=.efi.|<loader");
  }

  static void assertFixedAndBooted(String firmware, GuestPipeline.Run run) throws Exception {
    assertThat(run.tool().exit()).as("%s", run).isZero();
    JsonNode p = run.json().path("pipeline");
    assertThat(p.path("job_state").asText()).as("%s", run).isEqualTo("completed");
    assertThat(p.path("outputs")).as("both disks converted").hasSize(2);

    JsonNode result = run.result();
    JsonNode boot = result.path("boot_check");
    assertThat(boot.path("status").asText()).as("boot check: %s", boot).isEqualTo("passed");
    assertThat(boot.path("accel").asText()).isIn("kvm", "tcg");
    assertThat(boot.path("boot_seconds").asDouble()).isPositive();

    GuestReport guest = run.guestReport();
    assertThat(guest.complete()).as("the guest's report on its serial console:\n%s\n%s", guest, boot).isTrue();
    String nic = guest.nic("ens192").orElseThrow(() -> new AssertionError(
        "no NIC named ens192 in the guest; it has " + guest.all("NIC") + "\n" + boot));
    assertThat(nic).as("ens192 keeps the VMware MAC, runs on virtio and has an address")
        .contains(TestGuest.mac(firmware)).contains("virtio").containsPattern("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+");
    assertThat(guest.first("VMTOOLS")).contains("absent");
    List<String> fstab = guest.all("FSTAB");
    assertThat(fstab).as("fstab").isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("UUID="));
    assertThat(fstab).anySatisfy(l -> assertThat(l).containsPattern("\\s/home\\s"));
    // The guest's report: "HYPERSDK-ROOT /dev/vdX1 ext4", "HYPERSDK-HOME /dev/vdY1 ext4 /home/HYPERSDK-HOME-DISK".
    String root = guest.first("ROOT").orElseThrow();
    String home = guest.first("HOME").orElseThrow();
    assertThat(root).matches("/dev/vd[a-z]\\d+ ext4");
    assertThat(home).as("/home mounted from the second disk").matches("/dev/vd[a-z]1 ext4 /home/HYPERSDK-HOME-DISK");
    assertThat(home.substring(0, "/dev/vdX".length())).as("/home is on another disk than /")
        .isNotEqualTo(root.substring(0, "/dev/vdX".length()));

    List<String> changed = new ArrayList<>();
    result.path("changes").forEach(c -> changed.add(c.path("file").asText() + ": " + c.path("change").asText()));
    assertThat(changed).as("result.json lists the changes").anySatisfy(c -> assertThat(c).startsWith("/etc/fstab"))
        .anySatisfy(c -> assertThat(c).contains("open-vm-tools"))
        .anySatisfy(c -> assertThat(c).contains("initrd").contains("virtio"));

    String domain = Files.readString(Path.of(run.json().path("pipeline").path("domain_xml").asText()),
        StandardCharsets.UTF_8);
    assertThat(domain).as("virtio disks and NIC, the VMware MAC kept").contains("bus='virtio'")
        .containsPattern("(?s)<interface[^>]*>.*<mac address='" + TestGuest.mac(firmware)
            + "'/>.*<model type='virtio'/>.*</interface>");
  }
}
