package io.hypersdk.convert.fix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.convert.ConversionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which virtio-win folder fits which Windows, how driver files are picked in both layouts, and DevicePath parsing. */
class VirtioWinTest {
  @TempDir Path dir;

  @Test
  void aFolderYieldsLocalCopiesOfTheMatchingDriversOnly() throws Exception {
    Path root = dir.resolve("virtio-win");
    for (String f : List.of("viostor/2k22/amd64/viostor.sys", "viostor/2k22/amd64/viostor.inf",
        "viostor/2k22/amd64/viostor.cat", "viostor/2k19/amd64/viostor.sys", "vioscsi/2k22/amd64/vioscsi.sys")) {
      Files.createDirectories(root.resolve(f).getParent());
      Files.writeString(root.resolve(f), f);
    }
    GuestOs server2022 = windows("10", "0", "Server", "Windows Server 2022 Datacenter");
    VirtioWin.Drivers d = VirtioWin.of(root.toString()).select(server2022, null, dir.resolve("scratch")).orElseThrow();

    assertThat(d.windowsDir()).isEqualTo("2k22");
    assertThat(d.has(VirtioWin.DISK_DRIVER)).isTrue();
    assertThat(d.has(VirtioWin.NET_DRIVER)).isFalse();
    assertThat(d.files().get(VirtioWin.DISK_DRIVER)).extracting(p -> p.getFileName().toString())
        .containsExactly("viostor.cat", "viostor.inf", "viostor.sys");
    assertThat(d.files().get(VirtioWin.DISK_DRIVER).get(2)).hasContent("viostor/2k22/amd64/viostor.sys");

    assertThat(VirtioWin.of(root.toString()).select(windows("6", "1", "Client", "Windows 7"), null,
        dir.resolve("scratch2"))).isEmpty();
  }

  @Test
  void aMissingVirtioWinIsOneClearLine() {
    assertThatThrownBy(() -> VirtioWin.of(dir.resolve("nope").toString()))
        .isInstanceOf(ConversionException.class)
        .hasMessage("VIRTIO_WIN=" + dir.resolve("nope") + " is not a readable folder or ISO; point it to the "
            + "virtio-win ISO or to a folder with its content");
  }
  @Test
  void eachWindowsVersionMapsToItsVirtioWinFolder() {
    assertThat(VirtioWin.windowsDirs(windows("6", "0", "Server", "Windows Server 2008 Standard"))).containsExactly("2k8");
    assertThat(VirtioWin.windowsDirs(windows("6", "0", "Client", "Windows Vista"))).isEmpty();
    assertThat(VirtioWin.windowsDirs(windows("6", "1", "Server", "Windows Server 2008 R2"))).containsExactly("2k8R2");
    assertThat(VirtioWin.windowsDirs(windows("6", "1", "Client", "Windows 7 Pro"))).containsExactly("w7");
    assertThat(VirtioWin.windowsDirs(windows("6", "2", "Server", "Windows Server 2012"))).containsExactly("2k12");
    assertThat(VirtioWin.windowsDirs(windows("6", "2", "Client", "Windows 8"))).containsExactly("w8");
    assertThat(VirtioWin.windowsDirs(windows("6", "3", "Server", "Windows Server 2012 R2"))).containsExactly("2k12R2");
    assertThat(VirtioWin.windowsDirs(windows("6", "3", "Client", "Windows 8.1 Pro"))).containsExactly("w8.1");
    assertThat(VirtioWin.windowsDirs(windows("10", "0", "Server", "Windows Server 2016 Datacenter")))
        .containsExactly("2k16");
    assertThat(VirtioWin.windowsDirs(windows("10", "0", "Server", "Windows Server 2019 Standard")))
        .containsExactly("2k19");
    assertThat(VirtioWin.windowsDirs(windows("10", "0", "Server Core", "Windows Server 2022 Standard")))
        .containsExactly("2k22");
    assertThat(VirtioWin.windowsDirs(windows("10", "0", "Client", "Windows 10 Pro"))).containsExactly("w10");
    assertThat(VirtioWin.windowsDirs(windows("10", "0", "Client", "Windows 11 Pro"))).containsExactly("w11", "w10");
    assertThat(VirtioWin.windowsDirs(windows("10", "0", "Server", "Windows Server vNext"))).isEmpty();
    assertThat(VirtioWin.windowsDirs(windows("5", "2", "Server", "Windows Server 2003"))).isEmpty();
    assertThat(VirtioWin.archDir("x86_64")).isEqualTo("amd64");
    assertThat(VirtioWin.archDir("i386")).isEqualTo("x86");
    assertThat(VirtioWin.archDir("ppc64")).isNull();
  }

  @Test
  void driverFilesArePickedInEitherLayoutWithoutRegardToCase() {
    List<String> perDriver = List.of("viostor/2k12R2/amd64/viostor.sys", "viostor/2k12R2/amd64/viostor.inf",
        "viostor/2k12R2/x86/viostor.sys", "NetKVM/2k12R2/amd64/netkvm.sys", "NetKVM/2k12R2/amd64/netkvmco.dll",
        "NetKVM/2k12R2/amd64/sub/netkvm.inf", "viostor/2k16/amd64/viostor.sys");
    assertThat(VirtioWin.pick(perDriver, "viostor", "2k12R2", "amd64"))
        .containsExactly("viostor/2k12R2/amd64/viostor.inf", "viostor/2k12R2/amd64/viostor.sys");
    assertThat(VirtioWin.pick(perDriver, "netkvm", "2k12r2", "amd64"))
        .containsExactly("NetKVM/2k12R2/amd64/netkvm.sys");
    List<String> flat = List.of("amd64/w10/viostor.sys", "amd64/w10/viostor.cat", "amd64/w10/netkvm.inf",
        "amd64/w10/vioscsi.sys", "AMD64/W11/viostor.sys");
    assertThat(VirtioWin.pick(flat, "viostor", "w10", "amd64"))
        .containsExactly("amd64/w10/viostor.cat", "amd64/w10/viostor.sys");
    assertThat(VirtioWin.pick(flat, "viostor", "w11", "amd64")).containsExactly("AMD64/W11/viostor.sys");
    assertThat(VirtioWin.pick(flat, "viostor", "2k19", "amd64")).isEmpty();
  }

  @Test
  void devicePathIsReadFromHexOrStringValues() {
    String hex = "[\\Microsoft\\Windows\\CurrentVersion]\n\"DevicePath\"=" + WindowsHive.hex(2, "%SystemRoot%\\inf")
        + "\n\"ProgramFilesDir\"=\"C:\\\\Program Files\"\n";
    assertThat(WindowsVirtio.devicePath(hex)).isEqualTo("%SystemRoot%\\inf");
    assertThat(WindowsVirtio.devicePath("\"DevicePath\"=\"C:\\\\Drivers\"\n")).isEqualTo("C:\\Drivers");
    assertThat(WindowsVirtio.devicePath("\"Other\"=dword:00000001\n")).isEmpty();
  }

  @Test
  void theDriverDatabaseIsWrittenFromWindows8On() {
    assertThat(ViostorDriverDatabase.needed(windows("6", "1", "Client", "Windows 7"))).isFalse();
    assertThat(ViostorDriverDatabase.needed(windows("6", "2", "Client", "Windows 8"))).isTrue();
    assertThat(ViostorDriverDatabase.needed(windows("10", "0", "Server", "Windows Server 2022"))).isTrue();
  }

  private static GuestOs windows(String major, String minor, String variant, String product) {
    return new GuestOs("/dev/sda2", "windows", "windows", product, major, minor, variant, "x86_64", "unknown",
        Map.of("/", "/dev/sda2"), List.of());
  }
}
