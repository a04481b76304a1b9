package io.hypersdk.convert.fix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionRequest;
import io.hypersdk.convert.ConversionRunner;
import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.convert.steps.FixStep;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.Pipeline;
import io.hypersdk.manifest.VmSpec;
import io.hypersdk.queue.ConversionResult;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A synthetic Windows guest: an NTFS disk holding SYSTEM and SOFTWARE registry hives with what libguestfs
 * inspection reads (product name, version, control set) and a storahci service that Windows disabled. No real
 * Windows boots here; what is tested is inspection, the registry edits, the driver files in place and the domain's
 * devices, with and without a (synthetic) virtio-win folder whose files are small test files named like the real ones.
 */
class WindowsGuestTest {
  @TempDir Path dir;

  @BeforeEach
  void tools() {
    Tools.require("mkntfs", "ntfs-3g");
    Tools.require("ntfs-3g", "ntfs-3g");
    Tools.require("hivexregedit", "libwin-hivex-perl");
    Tools.require("guestfish", "libguestfs-tools linux-image-cloud-amd64");
  }

  @Test
  void withoutVirtioDriversStorahciIsEnabledAndTheDomainUsesSataAndE1000e() throws Exception {
    Path out = dir.resolve("out");
    ConversionResult result = new ConversionRunner(QemuImg.locate()).run(request(windowsDisk(false), out, false));

    assertThat(result.changes()).anySatisfy(c -> {
      assertThat(c.file()).isEqualTo("/Windows/System32/config/SYSTEM");
      assertThat(c.change()).contains("storahci enabled at boot").contains("ControlSet001");
    });
    assertThat(result.warnings()).anySatisfy(w -> assertThat(w).contains("VIRTIO_WIN is not set"));
    assertThat(result.stages()).anySatisfy(s -> assertThat(s.message()).contains("windows")
        .contains("disk bus sata, NIC e1000e"));
    String xml = Files.readString(out.resolve("win01.xml"));
    assertThat(xml).contains("bus='sata'").contains("<model type='e1000e'/>").doesNotContain("bus='virtio'");

    Path hive = dir.resolve("SYSTEM.out");
    // TCG: the tests must not depend on a KVM that boots kernels.
    Tools.run(List.of("env", "LIBGUESTFS_BACKEND=direct", "LIBGUESTFS_BACKEND_SETTINGS=force_tcg", "guestfish",
        "--ro", "--format=qcow2", "-a", out.resolve("win01.qcow2").toString(), "-i",
        "download", "/Windows/System32/config/SYSTEM", hive.toString()));
    String services = Tools.run(List.of("hivexregedit", "--export", hive.toString(), "\\ControlSet001\\Services"))
        .replace("\r", "");
    assertThat(services).contains("[\\ControlSet001\\Services\\storahci]\n\"Start\"=dword:00000000")
        .doesNotContain("StartOverride");
  }

  @Test
  void withAVirtioWinFolderViostorAndNetkvmAreInstalledAndTheDomainUsesVirtio() throws Exception {
    Path virtioWin = dir.resolve("virtio-win");
    driverFiles(virtioWin.resolve("viostor/2k19/amd64"), "viostor", "2k19");
    driverFiles(virtioWin.resolve("NetKVM/2k19/amd64"), "netkvm", "2k19");
    driverFiles(virtioWin.resolve("viostor/2k16/amd64"), "viostor", "2k16");
    driverFiles(virtioWin.resolve("viostor/2k19/x86"), "viostor", "2k19-x86");
    Path out = dir.resolve("out");
    ConversionResult result = new ConversionRunner(QemuImg.locate(), new FixStep(null, virtioWin.toString()))
        .run(request(windowsDisk(false), out, true));

    assertThat(result.changes()).extracting(c -> c.file()).contains("/Windows/System32/drivers/viostor.sys",
        "/Windows/Drivers/VirtIO/viostor.sys", "/Windows/Drivers/VirtIO/viostor.inf",
        "/Windows/Drivers/VirtIO/viostor.cat", "/Windows/Drivers/VirtIO/netkvm.sys",
        "/Windows/Drivers/VirtIO/netkvm.inf", "/Windows/Drivers/VirtIO/netkvm.cat",
        "/Windows/System32/config/SYSTEM", "/Windows/System32/config/SYSTEM.hypersdk-orig",
        "/Windows/System32/config/SOFTWARE", "/Windows/System32/config/SOFTWARE.hypersdk-orig",
        "/Windows/INF/oem8.inf");
    assertThat(result.changes()).extracting(c -> c.file()).anySatisfy(f -> assertThat(f)
        .matches("/Windows/System32/DriverStore/FileRepository/viostor\\.inf_amd64_[0-9a-f]{16}/viostor\\.sys"));
    assertThat(result.changes()).anySatisfy(c -> assertThat(c.change()).contains("Services\\viostor added")
        .contains("CriticalDeviceDatabase"));
    assertThat(result.changes()).noneSatisfy(c -> assertThat(c.change()).contains("storahci"));
    assertThat(result.warnings()).noneSatisfy(w -> assertThat(w).contains("VIRTIO_WIN"));
    assertThat(result.stages()).anySatisfy(s -> assertThat(s.message())
        .contains("disk bus virtio, NIC virtio: viostor and netkvm installed from virtio-win 2k19/amd64"));
    String xml = Files.readString(out.resolve("win01.xml"));
    assertThat(xml).contains("bus='virtio'").contains("<model type='virtio'/>").doesNotContain("bus='sata'");

    Path got = Files.createDirectories(dir.resolve("got"));
    download(out.resolve("win01.qcow2"), got, "/Windows/System32/drivers/viostor.sys",
        "/Windows/Drivers/VirtIO/netkvm.inf", "/Windows/System32/config/SYSTEM",
        "/Windows/System32/config/SOFTWARE");
    assertThat(got.resolve("viostor.sys")).hasContent("viostor.sys for 2k19");
    assertThat(got.resolve("netkvm.inf")).hasContent("netkvm.inf for 2k19");
    String system = Tools.run(List.of("hivexregedit", "--export", "--unsafe-printable-strings",
        got.resolve("SYSTEM").toString(), "\\ControlSet001")).replace("\r", "");
    assertThat(system).contains("[\\ControlSet001\\Services\\viostor]\n\"ErrorControl\"=dword:00000001\n"
        + "\"Group\"=str(1):\"SCSI miniport\"\n\"ImagePath\"=str(2):\"system32\\drivers\\viostor.sys\"\n"
        + "\"Start\"=dword:00000000\n\"Type\"=dword:00000001\n");
    for (String id : List.of("pci#ven_1af4&dev_1001&subsys_00021af4&rev_00", "pci#ven_1af4&dev_1001",
        "pci#ven_1af4&dev_1042&subsys_11001af4&rev_01", "pci#ven_1af4&dev_1042")) {
      assertThat(system).contains("[\\ControlSet001\\Control\\CriticalDeviceDatabase\\" + id + "]\n"
          + "\"ClassGUID\"=str(1):\"{4D36E97B-E325-11CE-BFC1-08002BE10318}\"\n\"Service\"=str(1):\"viostor\"\n");
    }
    String database = Tools.run(List.of("hivexregedit", "--export", "--unsafe-printable-strings",
        got.resolve("SYSTEM").toString(), "\\DriverDatabase")).replace("\r", "");
    assertThat(database).contains("[\\DriverDatabase\\DeviceIds\\PCI\\VEN_1AF4&DEV_1001&SUBSYS_00021AF4&REV_00]\n"
        + "\"oem8.inf\"=hex(3):01,ff,00,00\n")
        .contains("[\\DriverDatabase\\DeviceIds\\PCI\\VEN_1AF4&DEV_1042&SUBSYS_11001AF4&REV_01]\n"
        + "\"oem8.inf\"=hex(3):01,ff,00,00\n")
        .containsPattern("\\[\\\\DriverDatabase\\\\DriverPackages\\\\viostor\\.inf_amd64_[0-9a-f]{16}\\\\Configurations"
            + "\\\\rhelscsi_inst]\n\"ConfigFlags\"=dword:00000000\n\"Service\"=str\\(1\\):\"viostor\"\n");
    String software = Tools.run(List.of("hivexregedit", "--export", "--unsafe-printable-strings",
        got.resolve("SOFTWARE").toString(), "\\Microsoft\\Windows\\CurrentVersion")).replace("\r", "");
    assertThat(software).contains("\"DevicePath\"=str(2):\"%SystemRoot%\\inf;%SystemRoot%\\Drivers\\VirtIO\"");
  }

  @Test
  void aVirtioWinWithoutTheGuestsVersionWarnsAndFallsBackToStorahci() throws Exception {
    Path virtioWin = dir.resolve("virtio-win");
    driverFiles(virtioWin.resolve("viostor/w10/amd64"), "viostor", "w10");
    Path out = dir.resolve("out");
    ConversionResult result = new ConversionRunner(QemuImg.locate(), new FixStep(null, virtioWin.toString()))
        .run(request(windowsDisk(false), out, false));

    assertThat(result.warnings()).anySatisfy(w -> assertThat(w).startsWith("VIRTIO_WIN (" + virtioWin
        + ") has no viostor driver for this guest (Windows Server 2019 Standard, looked for viostor/2k19/amd64/"));
    assertThat(result.changes()).anySatisfy(c -> assertThat(c.change()).contains("storahci enabled at boot"));
    assertThat(result.changes()).noneSatisfy(c -> assertThat(c.file()).containsIgnoringCase("viostor"));
    assertThat(Files.readString(out.resolve("win01.xml"))).contains("bus='sata'").contains("<model type='e1000e'/>");
  }

  /**
   * VIRTIO_WIN naming an image file instead of a folder, in the ISO's flat layout (amd64/2k19/). No ISO 9660
   * builder (xorriso, genisoimage) is installed here, so the image is FAT: the same path in the code, which
   * reads any image libguestfs can mount in a read-only appliance of its own.
   */
  @Test
  void aVirtioWinImageInTheFlatLayoutIsReadInItsOwnAppliance() throws Exception {
    Tools.require("mformat", "mtools");
    Path files = dir.resolve("flat");
    driverFiles(files, "viostor", "2k19");
    driverFiles(files, "netkvm", "2k19");
    Path image = dir.resolve("virtio-win.img");
    try (var f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(4L << 20);
    }
    Tools.run(List.of("mformat", "-i", image.toString(), "::"));
    Tools.run(List.of("mmd", "-i", image.toString(), "::/amd64", "::/amd64/2k19"));
    try (var s = Files.list(files)) {
      for (Path p : s.toList()) {
        Tools.run(List.of("mcopy", "-i", image.toString(), p.toString(), "::/amd64/2k19/" + p.getFileName()));
      }
    }
    Path out = dir.resolve("out");
    ConversionResult result = new ConversionRunner(QemuImg.locate(), new FixStep(null, image.toString()))
        .run(request(windowsDisk(false), out, false));

    assertThat(result.changes()).extracting(c -> c.file()).contains("/Windows/System32/drivers/viostor.sys",
        "/Windows/Drivers/VirtIO/netkvm.sys");
    assertThat(Files.readString(out.resolve("win01.xml"))).contains("bus='virtio'")
        .contains("<model type='virtio'/>");
  }

  @Test
  void aHibernatedWindowsVolumeIsRefusedWithThatReason() throws Exception {
    Path out = dir.resolve("out");
    assertThatThrownBy(() -> new ConversionRunner(QemuImg.locate()).run(request(windowsDisk(true), out, false)))
        .isInstanceOf(ConversionException.class)
        .hasMessageContaining("is hibernated or was shut down with Fast Startup")
        .hasMessageContaining("powercfg /h off");
    assertThat(out.resolve("win01.qcow2")).doesNotExist();
  }

  private ConversionRequest request(Path vmdk, Path out, boolean backup) throws IOException {
    ArtifactManifest m = TestDisks.manifest("win01", "job-win", List.of(TestDisks.disk("disk0", vmdk, "vmdk", 0)))
        .toBuilder().vm(new VmSpec(2, 4, "bios", false, "windows", "Windows Server 2019"))
        .pipeline(new Pipeline(null, new Pipeline.Fix(true, backup, null, null, null, null, null), null, null))
        .build();
    Map<String, String> env = System.getenv();
    assertThat(env).as("this test needs VIRTIO_WIN unset").doesNotContainKey(GuestFixRunner.VIRTIO_WIN);
    return ConversionRequest.builder(m, "job-win", "win01", out).build();
  }

  /** DRIVER.sys, .inf and .cat in {@code folder}, each holding its name and {@code tag} so a test can tell them apart. */
  private static void driverFiles(Path folder, String driver, String tag) throws IOException {
    Files.createDirectories(folder);
    for (String ext : List.of("sys", "inf", "cat")) {
      // viostor.inf names its install configuration in a models line, as the real one does.
      String model = ext.equals("inf") && driver.equals("viostor")
          ? "\n%RHELScsi.DeviceDesc% = rhelscsi_inst, PCI\\VEN_1AF4&DEV_1001&SUBSYS_00021AF4&REV_00" : "";
      Files.writeString(folder.resolve(driver + "." + ext), driver + "." + ext + " for " + tag + model);
    }
  }

  /** Copies guest files out of a converted image into {@code into}, under their base names. */
  private static void download(Path qcow2, Path into, String... guestPaths) {
    List<String> command = new java.util.ArrayList<>(List.of("env", "LIBGUESTFS_BACKEND=direct",
        "LIBGUESTFS_BACKEND_SETTINGS=force_tcg", "guestfish", "--ro", "--format=qcow2", "-a", qcow2.toString(),
        "-i"));
    for (String p : guestPaths) {
      command.addAll(List.of("download", p, into.resolve(p.substring(p.lastIndexOf('/') + 1)).toString(), ":"));
    }
    Tools.run(command.subList(0, command.size() - 1));
  }

  /** An NTFS disk with the two hives, and optionally a hiberfil.sys that says Windows is hibernated. */
  private Path windowsDisk(boolean hibernated) throws IOException {
    Path system = emptyHive("SYSTEM");
    merge(system, "SYSTEM", "[HKEY_LOCAL_MACHINE\\SYSTEM\\Select]\r\n\"Current\"=dword:00000001\r\n\r\n"
        + key("SYSTEM\\ControlSet001") + key("SYSTEM\\ControlSet001\\Services")
        + "[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\storahci]\r\n\"Start\"=dword:00000003\r\n\r\n"
        + "[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\storahci\\StartOverride]\r\n"
        + "\"0\"=dword:00000003\r\n\r\n" + key("SYSTEM\\ControlSet001\\Control")
        + key("SYSTEM\\ControlSet001\\Control\\ComputerName")
        + "[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Control\\ComputerName\\ComputerName]\r\n"
        + "\"ComputerName\"=\"WIN01\"\r\n\r\n");
    Path software = emptyHive("SOFTWARE");
    merge(software, "SOFTWARE", key("SOFTWARE\\Microsoft") + key("SOFTWARE\\Microsoft\\Windows NT")
        + "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]\r\n"
        + "\"ProductName\"=\"Windows Server 2019 Standard\"\r\n\"CurrentVersion\"=\"6.3\"\r\n"
        + "\"CurrentMajorVersionNumber\"=dword:0000000a\r\n\"CurrentMinorVersionNumber\"=dword:00000000\r\n"
        + "\"CurrentBuildNumber\"=\"17763\"\r\n\"InstallationType\"=\"Server\"\r\n\r\n");
    Path image = dir.resolve("windows.img");
    try (var f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(64L << 20);
    }
    Tools.run(List.of("mkntfs", "-F", "-Q", "-q", image.toString()));
    Path mnt = Files.createDirectories(dir.resolve("mnt"));
    Tools.run(List.of("ntfs-3g", image.toString(), mnt.toString()));
    try {
      Path config = Files.createDirectories(mnt.resolve("Windows/System32/config"));
      Files.copy(system, config.resolve("SYSTEM"));
      Files.copy(software, config.resolve("SOFTWARE"));
      // libguestfs takes a folder for a system root only with cmd.exe, whose header gives the architecture.
      Files.write(config.getParent().resolve("cmd.exe"), peHeader());
      Files.createDirectories(config.getParent().resolve("drivers"));
      Files.writeString(Files.createDirectories(mnt.resolve("Windows/INF")).resolve("oem7.inf"), "another driver");
      if (hibernated) {
        byte[] hiberfil = new byte[64 * 1024];
        System.arraycopy("hibr".getBytes(StandardCharsets.US_ASCII), 0, hiberfil, 0, 4);
        Files.write(mnt.resolve("hiberfil.sys"), hiberfil);
      }
    } finally {
      Tools.run(List.of("umount", mnt.toString()));
    }
    return TestDisks.vmdkSparse(image);
  }

  /** The headers of an x86-64 console program (PE32+), all that file(1) and libguestfs read of cmd.exe. */
  private static byte[] peHeader() {
    ByteBuffer b = ByteBuffer.allocate(0x200).order(ByteOrder.LITTLE_ENDIAN);
    b.put(0, (byte) 'M').put(1, (byte) 'Z').putInt(0x3C, 0x40);
    b.put(0x40, "PE\0\0".getBytes(StandardCharsets.US_ASCII)).putShort(0x44, (short) 0x8664)
        .putShort(0x54, (short) 0xF0).putShort(0x56, (short) 0x22);
    b.putShort(0x58, (short) 0x20B).putShort(0x58 + 68, (short) 3);
    return b.array();
  }

  private static String key(String path) {
    return "[HKEY_LOCAL_MACHINE\\" + path + "]\r\n\r\n";
  }

  private void merge(Path hive, String root, String body) throws IOException {
    Path reg = dir.resolve(root + ".reg");
    Files.writeString(reg, "Windows Registry Editor Version 5.00\r\n\r\n" + body, StandardCharsets.UTF_8);
    Tools.run(List.of("hivexregedit", "--merge", "--prefix", "HKEY_LOCAL_MACHINE\\" + root, hive.toString(),
        reg.toString()));
  }

  /**
   * The smallest hive hivex opens: the regf base block, one 4 KiB hbin holding a root key, its security
   * descriptor and a free cell (layout from the public regf format description).
   */
  private Path emptyHive(String name) throws IOException {
    ByteBuffer bin = ByteBuffer.allocate(0x1000).order(ByteOrder.LITTLE_ENDIAN);
    bin.put(0, "hbin".getBytes(StandardCharsets.US_ASCII)).putInt(4, 0).putInt(8, 0x1000);
    byte[] root = "ROOT".getBytes(StandardCharsets.US_ASCII);
    int nk = 0x20;
    int nkLen = (4 + 0x4C + root.length + 7) & ~7;
    int sk = nk + nkLen;
    int sdLen = 20;
    int skLen = (4 + 0x14 + sdLen + 7) & ~7;
    bin.putInt(nk, -nkLen).put(nk + 4, (byte) 'n').put(nk + 5, (byte) 'k').putShort(nk + 6, (short) 0x2C);
    int[] fields = {0xFFFFFFFF, 0, 0, 0xFFFFFFFF, 0xFFFFFFFF, 0, 0xFFFFFFFF, sk, 0xFFFFFFFF};
    for (int i = 0; i < fields.length; i++) {
      bin.putInt(nk + 4 + 0x10 + 4 * i, fields[i]);
    }
    bin.putShort(nk + 4 + 0x48, (short) root.length).put(nk + 4 + 0x4C, root);
    bin.putInt(sk, -skLen).put(sk + 4, (byte) 's').put(sk + 5, (byte) 'k')
        .putInt(sk + 8, sk).putInt(sk + 12, sk).putInt(sk + 16, 1).putInt(sk + 20, sdLen);
    // A self-relative security descriptor with nothing in it: revision 1, SE_SELF_RELATIVE | SE_DACL_PRESENT.
    bin.put(sk + 24, (byte) 1).putShort(sk + 26, (short) 0x8004);
    bin.putInt(sk + skLen, 0x1000 - sk - skLen);
    ByteBuffer base = ByteBuffer.allocate(0x1000).order(ByteOrder.LITTLE_ENDIAN);
    base.put(0, "regf".getBytes(StandardCharsets.US_ASCII)).putInt(4, 1).putInt(8, 1).putInt(20, 1).putInt(24, 3)
        .putInt(28, 0).putInt(32, 1).putInt(36, nk).putInt(40, 0x1000).putInt(44, 1);
    int sum = 0;
    for (int i = 0; i < 0x1FC; i += 4) {
      sum ^= base.getInt(i);
    }
    base.putInt(0x1FC, sum);
    Path hive = dir.resolve(name);
    Files.write(hive, ByteBuffer.allocate(0x2000).put(base.array()).put(bin.array()).array());
    return hive;
  }
}
