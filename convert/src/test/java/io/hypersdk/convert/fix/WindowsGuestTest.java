package io.hypersdk.convert.fix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionRequest;
import io.hypersdk.convert.ConversionRunner;
import io.hypersdk.convert.qemu.QemuImg;
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
 * Windows boots here; what is tested is inspection, the registry edit and the domain's devices.
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
    ConversionResult result = new ConversionRunner(QemuImg.locate()).run(request(windowsDisk(false), out));

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
  void aHibernatedWindowsVolumeIsRefusedWithThatReason() throws Exception {
    Path out = dir.resolve("out");
    assertThatThrownBy(() -> new ConversionRunner(QemuImg.locate()).run(request(windowsDisk(true), out)))
        .isInstanceOf(ConversionException.class)
        .hasMessageContaining("is hibernated or was shut down with Fast Startup")
        .hasMessageContaining("powercfg /h off");
    assertThat(out.resolve("win01.qcow2")).doesNotExist();
  }

  private ConversionRequest request(Path vmdk, Path out) throws IOException {
    ArtifactManifest m = TestDisks.manifest("win01", "job-win", List.of(TestDisks.disk("disk0", vmdk, "vmdk", 0)))
        .toBuilder().vm(new VmSpec(2, 4, "bios", false, "windows", "Windows Server 2019"))
        .pipeline(new Pipeline(null, new Pipeline.Fix(true, null, null, null, null, null, null), null, null))
        .build();
    Map<String, String> env = System.getenv();
    assertThat(env).as("this test needs VIRTIO_WIN unset").doesNotContainKey(GuestFixRunner.VIRTIO_WIN);
    return ConversionRequest.builder(m, "job-win", "win01", out).build();
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
