package io.hypersdk.convert.bootcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.accel.Accel;
import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.io.Sha256;
import io.hypersdk.queue.BootCheckReport;
import io.hypersdk.testing.Initramfs;
import io.hypersdk.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real qemu boots under TCG (the tests must not depend on KVM): the host kernel with a tiny initramfs, or empty disks. */
class BootCheckTest {
  static final String PROMPT = "echo 'Debian GNU/Linux 12 guest ttyS0'; echo; printf 'guest login: '; "
      + "while :; do read x; done";

  @TempDir Path dir;
  Path work;
  BootCheck check;
  Path kernel;

  @BeforeEach
  void tools() throws Exception {
    Path qemu = Tools.require("qemu-system-x86_64", "qemu-system-x86");
    Tools.require("qemu-img", "qemu-utils");
    kernel = Initramfs.hostKernel();
    check = new BootCheck(qemu, QemuImg.locate(), Accel.TCG);
    work = Files.createDirectories(dir.resolve("work"));
  }

  BootCheck.Options options(int timeoutSeconds) {
    return BootCheck.Options.of(Duration.ofSeconds(timeoutSeconds)).withWorkParent(work)
        .withNetworkGrace(Duration.ofSeconds(3));
  }

  /** A domain booting the host kernel with an initramfs running {@code init}, plus {@code devices}. */
  Path kernelDomain(String init, String devices) throws Exception {
    Path initrd = Initramfs.withInit(dir.resolve("initrd-" + Integer.toHexString(init.hashCode()) + ".cpio"), init);
    return domain("<os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + kernel + "</kernel><initrd>" + initrd
        + "</initrd><cmdline>console=ttyS0 panic=-1 quiet</cmdline></os>", devices);
  }

  Path domain(String os, String devices) throws Exception {
    Path xml = dir.resolve("domain-" + Integer.toHexString((os + devices).hashCode()) + ".xml");
    Files.writeString(xml, "<domain type='kvm'><name>guest</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>"
        + os + "<devices>" + devices + "</devices></domain>");
    return xml;
  }

  @Test
  void aLoginPromptPassesAndTheDiskIsOnlyRead() throws Exception {
    Path disk = dir.resolve("staged.raw");
    Files.write(disk, new byte[1 << 20]);
    String before = Sha256.ofFile(disk);
    Path finalName = dir.resolve("published").resolve("guest.raw");
    Path xml = kernelDomain(PROMPT, "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='"
        + finalName + "'/><target dev='vda' bus='virtio'/></disk>");

    BootCheckReport r = check.run(xml, options(60).withDiskPaths(Map.of(finalName, disk)));

    assertThat(r.status()).as(r.reason()).isEqualTo(BootCheckReport.PASSED);
    assertThat(r.reason()).matches("login prompt after [0-9.]+ s");
    assertThat(r.bootSeconds()).isPositive().isLessThan(60.0);
    assertThat(r.accel()).isEqualTo("tcg");
    assertThat(r.serialTail()).contains("Debian GNU/Linux 12 guest ttyS0", "guest login:")
        .allSatisfy(l -> assertThat(l).doesNotContain("\u001B").doesNotContain("\r"));
    assertThat(Sha256.ofFile(disk)).isEqualTo(before);
    assertThat(work).isEmptyDirectory();
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)).isEmpty();
  }

  @Test
  void aGuestThatNeverShowsALoginTimesOutWithItsLastLine() throws Exception {
    Path xml = kernelDomain("echo 'Starting the guest services'; while :; do read x; done", "");
    BootCheckReport r = check.run(xml, options(10));
    assertThat(r.status()).isEqualTo(BootCheckReport.FAILED);
    assertThat(r.reason()).isEqualTo("timed out after 10 s; last line: Starting the guest services");
    assertThat(r.bootSeconds()).isNull();
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)).isEmpty();
  }

  @Test
  void aMissingRootDeviceFailsAtOnceWithTheInitramfsMessage() throws Exception {
    Path xml = kernelDomain("echo 'Gave up waiting for root file system device.'; "
        + "echo 'ALERT!  /dev/sda1 does not exist.  Dropping to a shell!'; while :; do read x; done", "");
    long start = System.nanoTime();
    BootCheckReport r = check.run(xml, options(120));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
    assertThat(r.status()).isEqualTo(BootCheckReport.FAILED);
    assertThat(r.reason()).isEqualTo("the root device was not found (ALERT!  /dev/sda1 does not exist): the guest "
        + "has no driver for its boot disk's bus, or its root= names a device that does not exist on KVM");
    assertThat(r.serialTail()).last().asString().contains("ALERT!");
  }

  @Test
  void aKernelPanicIsTheReason() throws Exception {
    BootCheckReport r = check.run(kernelDomain("echo 'init gives up'; exit 3", ""), options(60));
    assertThat(r.status()).isEqualTo(BootCheckReport.FAILED);
    assertThat(r.reason()).startsWith("kernel panic: Attempted to kill init! exitcode=0x00000300");
  }

  @Test
  void aLoginWithoutAnAddressOnTheNicFails() throws Exception {
    Path xml = kernelDomain(PROMPT, "<interface type='network'><mac address='52:54:00:AA:BB:01'/>"
        + "<source network='default'/><model type='virtio'/></interface>");
    BootCheckReport r = check.run(xml, options(60));
    assertThat(r.status()).isEqualTo(BootCheckReport.FAILED);
    assertThat(r.reason()).matches("reached a login prompt but no NIC \\(52:54:00:aa:bb:01\\) got an address within "
        + "[34] s: the guest sent nothing; it has no driver for its NIC model or no configuration for this NIC");
    assertThat(r.bootSeconds()).isPositive();
    assertThat(work).isEmptyDirectory();
  }

  @Test
  void anEmptyBiosDiskFailsWithTheFirmwaresReason() throws Exception {
    Path disk = dir.resolve("empty.qcow2");
    Tools.run(List.of("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "64M"));
    Path xml = domain("<os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type></os>",
        "<controller type='scsi' index='0' model='vmpvscsi'/><disk type='file' device='disk'><source file='"
            + disk.getFileName() + "'/><target dev='sda' bus='scsi'/><address type='drive' controller='0'/></disk>");
    BootCheckReport r = check.run(xml, options(60));
    assertThat(r.status()).isEqualTo(BootCheckReport.FAILED);
    assertThat(r.reason()).isEqualTo("no boot disk found by the firmware (Boot failed: not a bootable disk)");
  }

  @Test
  void anEmptyUefiDiskFailsWithTheFirmwaresReason() throws Exception {
    Path disk = dir.resolve("empty.qcow2");
    Tools.run(List.of("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "64M"));
    Path xml = domain("<os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type></os>",
        "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='" + disk
            + "'/><target dev='vda' bus='virtio'/></disk>");
    BootCheckReport r = check.run(xml, options(120));
    assertThat(r.status()).isEqualTo(BootCheckReport.FAILED);
    assertThat(r.reason()).startsWith("no boot disk found by the firmware (BdsDxe: failed to load Boot0001");
  }

  @Test
  void anInterruptStopsQemu() throws Exception {
    Path xml = kernelDomain("while :; do read x; done", "");
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        check.run(xml, options(120));
        outcome.complete(null);
      } catch (Throwable e) {
        outcome.complete(e);
      }
    });
    t.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (ProcessHandle.current().descendants().noneMatch(p -> p.info().command().orElse("").contains("qemu-system"))
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    Thread.sleep(1000);
    t.interrupt();
    assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(work).isEmptyDirectory();
  }

  @Test
  void anUnreadableDiskIsOneLine() throws Exception {
    Path xml = kernelDomain(PROMPT, "<disk type='file' device='disk'><source file='/nonexistent/guest.qcow2'/>"
        + "<target dev='vda' bus='virtio'/></disk>");
    assertThatThrownBy(() -> check.run(xml, options(30))).isInstanceOfSatisfying(ConversionException.class, e ->
        assertThat(e.getMessage()).isEqualTo("the boot check cannot read the disk /nonexistent/guest.qcow2"));
  }
}
