package io.hypersdk.tests.guest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controls that make the fixed-guest tests mean something: the test guest boots on the VMware hardware it
 * was built for, and converted without the fix stage it does not boot on virtio, for the reason a VMware guest
 * does not (its initramfs cannot find the root disk).
 */
@Timeout(value = 30, unit = java.util.concurrent.TimeUnit.MINUTES)
class ControlsIT {
  @TempDir
  Path work;
  GuestPipeline pipeline;

  @BeforeEach
  void start() {
    pipeline = new GuestPipeline(work);
  }

  @AfterEach
  void stop() {
    pipeline.close();
  }

  @Test
  void theGuestAsExportedBootsOnPvscsiAndVmxnet3() throws Exception {
    Path ova = TestGuest.ova("bios");
    Path disks = Files.createDirectories(work.resolve("disks"));
    Tools.run(List.of("tar", "-xf", ova.toString(), "-C", disks.toString()));
    List<Path> qcow2 = new ArrayList<>();
    for (String n : List.of("hypersdk-guest-disk1", "hypersdk-guest-disk2")) {
      Path out = disks.resolve(n + ".qcow2");
      Tools.run(List.of("qemu-img", "convert", "-O", "qcow2", disks.resolve(n + ".vmdk").toString(), out.toString()));
      qcow2.add(out);
    }
    Path domain = work.resolve("vmware-like.xml");
    Files.writeString(domain, vmwareLikeDomain(qcow2, TestGuest.mac("bios")), StandardCharsets.UTF_8);

    // No network check: under qemu the vmxnet3 NIC sits in a PCI slot that names it ens3 or so, not ens192 as
    // on vSphere, so the guest's ens192 config never starts DHCP; the report below shows the NIC and driver.
    GuestPipeline.Tool check = pipeline.hyperconvert("boot-check", List.of("boot-check", domain.toString(),
        "--no-network-check", "--timeout", GuestFlags.BOOT_TIMEOUT, "--json"), Duration.ofMinutes(20));

    assertThat(check.exit()).as("%s", check).isZero();
    JsonNode report = check.json();
    assertThat(report.path("status").asText()).as("%s", check).isEqualTo("passed");
    List<String> serial = new ArrayList<>();
    report.path("serial_tail").forEach(l -> serial.add(l.asText()));
    GuestReport guest = GuestReport.of(serial);
    assertThat(guest.complete()).as("the guest's report:\n%s", String.join("\n", serial)).isTrue();
    assertThat(guest.first("ROOT")).get().asString().startsWith("/dev/sda1");
    assertThat(guest.first("HOME")).get().asString().startsWith("/dev/sdb1");
    assertThat(guest.first("VMTOOLS")).contains("installed");
    assertThat(guest.all("NIC")).anySatisfy(n -> assertThat(n).contains(TestGuest.mac("bios")).contains("vmxnet3"));
    assertThat(Tools.sameContent(disks.resolve("hypersdk-guest-disk1.vmdk"), qcow2.get(0)))
        .as("the boot check wrote nothing to the disks it booted").isTrue();
  }

  @Test
  void withoutTheFixTheGuestDoesNotFindItsRootDiskOnVirtio() {
    GuestPipeline.Run run = pipeline.exportLocal(TestGuest.ova("bios"), TestGuest.vmName("bios"), "nofix",
        GuestFlags.noFixBootCheckOn());

    assertThat(run.tool().exit()).as("a failed boot check fails the job: %s", run).isEqualTo(5);
    assertThat(run.tool().stderr()).doesNotContain("Exception").doesNotContain("\tat ");
    String reason = run.error();
    assertThat(reason).as("the job's error says the boot check failed and why").contains("boot check failed")
        .contains("root device was not found").contains("/dev/sda1 does not exist");
    JsonNode p = run.json().path("pipeline");
    assertThat(p.path("job_state").asText()).isEqualTo("failed");
    assertThat(p.path("error").asText()).as("hyperexport shows the daemon's reason").contains(reason);
    assertThat(p.path("outputs")).as("nothing published").isEmpty();
    assertThat(pipeline.output().resolve(TestGuest.vmName("bios") + ".qcow2")).doesNotExist();
  }

  /**
   * A domain for the guest's disks on VMware-like hardware: the boot disk on pvscsi, a vmxnet3 NIC, BIOS (Debian's
   * OVMF has no pvscsi driver). The /home disk is on IDE: with two disks on pvscsi, this kernel's asynchronous
   * probing names the second one sda about as often as not, and the guest's root=/dev/sda1 would then be its
   * /home. The initramfs has no IDE driver, so the boot disk is sda and the /home disk, found later, sdb.
   */
  static String vmwareLikeDomain(List<Path> disks, String mac) {
    return "<domain type='kvm'>\n  <name>hypersdk-guest-vmware-like</name>\n  <memory unit='MiB'>1024</memory>\n"
        + "  <vcpu>1</vcpu>\n  <os>\n    <type arch='x86_64' machine='pc'>hvm</type>\n  </os>\n"
        + "  <devices>\n    <controller type='scsi' index='0' model='vmpvscsi'/>\n"
        + "    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n"
        + "      <source file='" + disks.get(0) + "'/>\n      <target dev='sda' bus='scsi'/>\n"
        + "      <address type='drive' controller='0' bus='0' target='0' unit='0'/>\n    </disk>\n"
        + "    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n"
        + "      <source file='" + disks.get(1) + "'/>\n      <target dev='hda' bus='ide'/>\n    </disk>\n"
        + "    <interface type='user'>\n      <mac address='" + mac + "'/>\n      <model type='vmxnet3'/>\n"
        + "    </interface>\n    <serial type='pty'/>\n  </devices>\n</domain>\n";
  }
}
