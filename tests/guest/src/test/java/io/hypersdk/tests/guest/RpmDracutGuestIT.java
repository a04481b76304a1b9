package io.hypersdk.tests.guest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
 * The fix stage's RHEL-family paths on the RPM/dracut stand-in guest ({@link RpmGuest}), through hyperexport,
 * the queue daemon, the fix stage and the boot check: open-vm-tools is removed with {@code rpm -e}, dracut
 * rebuilds the initramfs of both kernels with virtio_blk, grub2-mkconfig rewrites /boot/grub2/grub.cfg, the BLS
 * entries, grubenv's kernelopts, /etc/kernel/cmdline and fstab name the root by UUID, /.autorelabel asks for an
 * SELinux relabel, and the guest boots on virtio with an address on ens192. One conversion serves every test.
 *
 * <p>It is not RHEL: the userland is Debian's, with Debian's rpm (its database moved to /var/lib/rpm), dracut and
 * grub (grub2-* are symlinks to grub-*, /boot/grub to /boot/grub2), and RHEL 9's identity files. Debian's grub
 * has no {@code blscfg}, so what boots is grub.cfg's menuentries, not the BLS entries; the network comes up
 * through ifupdown, not NetworkManager (the ifcfg-ens192 file is only read by the fix stage); the kernel starts
 * no SELinux, so the relabel is requested but never runs. What it does prove is that the commands the stage runs
 * on a RHEL-family guest (rpm -q/-e, dracut -f and lsinitrd for every kernel, grub2-mkconfig) work inside the
 * libguestfs appliance on a real rpm database, real dracut images and a real grub, and that the result boots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 45, unit = java.util.concurrent.TimeUnit.MINUTES)
class RpmDracutGuestIT {
  /** What the converted disks hold, read in one appliance (the overlay takes the writes of rpm and lsinitrd). */
  private static final String INSPECT = String.join("\n",
      "mount /dev/sda1 /",
      "sh 'rpm -q open-vm-tools 2>/dev/null | sed \"s/^/RPMQ /\"; true'",
      "sh 'for f in /usr/bin/vmtoolsd /.autorelabel; do [ -e $f ] && echo \"EXISTS $f\" || echo \"ABSENT $f\"; done'",
      "sh 'for k in $(ls /lib/modules); do echo \"INITRD $k $(lsinitrd /boot/initramfs-$k.img | grep -c /virtio_blk.ko)\"; done'",
      "sh 'grep -H \"^options\" /boot/loader/entries/*.conf | sed \"s/^/BLS /\"'",
      "sh 'grep \"^[[:space:]]*linux\" /boot/grub2/grub.cfg | sed \"s/^[[:space:]]*/GRUBCFG /\"'",
      "sh 'grub2-editenv /boot/grub2/grubenv list | grep ^kernelopts= | sed \"s/^/GRUBENV /\"'",
      "sh 'sed \"s/^/KERNELCMDLINE /\" /etc/kernel/cmdline'");

  GuestPipeline pipeline;
  GuestPipeline.Run run;
  List<String> disk;

  @BeforeAll
  void convert(@TempDir Path work) throws Exception {
    pipeline = new GuestPipeline(work);
    run = pipeline.exportLocal(RpmGuest.ova(), RpmGuest.VM_NAME, "rpm", GuestFlags.bootCheckOn());
    assertThat(run.tool().exit()).as("%s", run).isZero();
    System.out.printf("RpmDracutGuestIT: export, fix and boot check took %d s; result.json timings_ms %s%n",
        run.tool().millis() / 1000, run.result().path("timings_ms"));
    List<Path> outputs = new ArrayList<>();
    run.json().path("pipeline").path("outputs").forEach(o -> outputs.add(Path.of(o.asText())));
    assertThat(outputs).as("both disks converted").hasSize(2);
    disk = GuestDisks.guestfish(outputs, INSPECT).lines().toList();
  }

  @AfterAll
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  void theGuestIsInspectedAsRhelAndBootsOnVirtioWithItsNic() {
    assertThat(run.json().path("pipeline").path("job_state").asText()).as("%s", run).isEqualTo("completed");
    JsonNode boot = run.bootCheck();
    assertThat(boot.path("status").asText()).as("boot check: %s", boot).isEqualTo("passed");
    GuestReport guest = run.guestReport();
    assertThat(guest.complete()).as("the guest's report on its serial console:\n%s\n%s", guest, boot).isTrue();
    assertThat(guest.first("ROOT").orElseThrow()).matches("/dev/vd[a-z]1 ext4");
    assertThat(guest.first("HOME").orElseThrow()).matches("/dev/vd[a-z]1 ext4 /home/HYPERSDK-HOME-DISK");
    String nic = guest.nic("ens192").orElseThrow(() -> new AssertionError(
        "no NIC named ens192 in the guest; it has " + guest.all("NIC") + "\n" + boot));
    assertThat(nic).as("ens192 keeps the VMware MAC, runs on virtio and has an address").contains(RpmGuest.MAC)
        .contains("virtio").containsPattern("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+");
    assertThat(guest.all("FSTAB")).as("fstab").hasSize(2).allSatisfy(l -> assertThat(l).startsWith("UUID="));
    assertThat(guest.first("CMDLINE").orElseThrow()).contains("root=UUID=").doesNotContain("root=/dev/");
  }

  @Test
  void openVmToolsIsRemovedThroughRpm() {
    assertThat(changes()).contains("package open-vm-tools: removed (VMware Tools)");
    assertThat(run.guestReport().first("VMTOOLS")).as("rpm -q in the booted guest").contains("absent");
    assertThat(disk).as("rpm's database and the package's files").contains("RPMQ package open-vm-tools is not installed")
        .contains("ABSENT /usr/bin/vmtoolsd");
  }

  @Test
  void dracutRebuildsTheInitramfsOfEveryKernelWithVirtioBlk() {
    List<String> initrds = disk.stream().filter(l -> l.startsWith("INITRD ")).toList();
    assertThat(initrds).as("both kernels' images in the guest (INITRD VERSION COUNT-OF-virtio_blk)").hasSize(2)
        .allSatisfy(l -> assertThat(l).doesNotEndWith(" 0"));
    for (String l : initrds) {
      String kernel = l.split(" ")[1];
      assertThat(changes()).contains("/boot/initramfs-" + kernel + ".img: rebuilt with virtio drivers (dracut)");
    }
    assertThat(changes()).anySatisfy(c -> assertThat(c).startsWith("/etc/dracut.conf.d/"));
  }

  @Test
  void grubConfigBlsEntriesGrubenvAndFstabNameTheRootByUuid() {
    assertThat(changes()).anySatisfy(c -> assertThat(c).startsWith("/boot/grub2/grub.cfg: regenerated (grub2-mkconfig"))
        .anySatisfy(c -> assertThat(c).startsWith("/etc/fstab"))
        .anySatisfy(c -> assertThat(c).startsWith("/boot/loader/entries/" + RpmGuest.BLS_ID));
    for (String prefix : List.of("BLS ", "GRUBCFG ", "GRUBENV ", "KERNELCMDLINE ")) {
      List<String> lines = disk.stream().filter(l -> l.startsWith(prefix)).toList();
      assertThat(lines).as("%s lines in\n%s", prefix, String.join("\n", disk)).isNotEmpty();
      if (!prefix.equals("BLS ")) {
        assertThat(lines).allSatisfy(l -> assertThat(l).contains("root=UUID=").doesNotContain("root=/dev/"));
      }
    }
    // RHEL 8's entry says "options $kernelopts" (grubenv holds them); RHEL 9's carry the arguments themselves.
    assertThat(disk.stream().filter(l -> l.startsWith("BLS ")).toList()).hasSize(2)
        .anySatisfy(l -> assertThat(l).endsWith("options $kernelopts"))
        .allSatisfy(l -> assertThat(l).doesNotContain("root=/dev/"))
        .anySatisfy(l -> assertThat(l).contains("root=UUID="));
  }

  @Test
  void selinuxRelabelIsRequestedOnTheNextBoot() {
    assertThat(changes()).anySatisfy(c -> assertThat(c).startsWith("/.autorelabel: created"));
    assertThat(disk).contains("EXISTS /.autorelabel");
  }

  /** result.json's changes, as "FILE: CHANGE". */
  private List<String> changes() {
    List<String> changed = new ArrayList<>();
    run.result().path("changes").forEach(c -> changed.add(c.path("file").asText() + ": " + c.path("change").asText()));
    return changed;
  }
}
