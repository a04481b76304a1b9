package io.hypersdk.convert.fix;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Windows 8 and later no longer read the CriticalDeviceDatabase: Plug and Play binds a boot disk's device to a
 * driver through the SYSTEM hive's DriverDatabase. This puts viostor's package where an installed driver lives
 * ({@code System32\DriverStore\FileRepository\viostor.inf_ARCH_HASH}, {@code INF\oemN.inf}) and registers it:
 * the virtio block PCI ids point to oemN.inf, whose package names the install configuration and its service.
 */
final class ViostorDriverDatabase {
  private static final Pattern MODEL = Pattern.compile("=\\s*([A-Za-z0-9_.]+)\\s*,\\s*PCI\\\\VEN_1AF4&DEV_10(01|42)",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern OEM_INF = Pattern.compile("oem(\\d+)\\.inf", Pattern.CASE_INSENSITIVE);

  private ViostorDriverDatabase() {}

  /** True for Windows 8 / Server 2012 (NT 6.2) and later. */
  static boolean needed(GuestOs os) {
    try {
      int major = Integer.parseInt(os.majorVersion());
      int minor = Integer.parseInt(os.minorVersion());
      return major > 6 || (major == 6 && minor >= 2);
    } catch (NumberFormatException e) {
      return true;
    }
  }

  /** The .reg sections for the SYSTEM hive and one line saying what they register. */
  record Registration(String reg, String description) {}

  /** Copies the package into the guest and returns what registers it in the SYSTEM hive. */
  static Registration install(Guest guest, VirtioWin.Drivers drivers) throws ConversionException, InterruptedException {
    List<Path> files = drivers.files().get(VirtioWin.DISK_DRIVER);
    Path inf = files.stream().filter(p -> p.getFileName().toString().equalsIgnoreCase("viostor.inf")).findFirst()
        .orElseThrow();
    String infText;
    String pkg;
    try {
      byte[] bytes = Files.readAllBytes(inf);
      infText = new String(bytes, StandardCharsets.UTF_8);
      pkg = "viostor.inf_" + drivers.archDir().toLowerCase(Locale.ROOT) + "_"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new ConversionException(Kind.ENVIRONMENT, "cannot read " + inf + ": " + e.getMessage(), e);
    }
    Matcher m = MODEL.matcher(infText);
    String configuration = m.find() ? m.group(1) : "scsi_inst";

    Guestfish fish = guest.fish();
    String infDir = WindowsVirtio.inGuestCase(fish, "/Windows/INF");
    fish.require("mkdir-p " + Guestfish.quote(infDir));
    int n = 0;
    for (String f : fish.require("ls " + Guestfish.quote(infDir))) {
      Matcher o = OEM_INF.matcher(f.trim());
      if (o.matches()) {
        n = Math.max(n, Integer.parseInt(o.group(1)));
      }
    }
    String oem = "oem" + (n + 1) + ".inf";
    String store = WindowsVirtio.inGuestCase(fish, "/Windows/System32/DriverStore/FileRepository") + "/" + pkg;
    fish.require("mkdir-p " + Guestfish.quote(store));
    for (Path f : files) {
      WindowsVirtio.upload(guest, f, store + "/" + f.getFileName(), "viostor driver package in the driver store");
    }
    WindowsVirtio.upload(guest, inf, infDir + "/" + oem, "viostor.inf installed as " + oem);

    StringBuilder reg = new StringBuilder();
    for (String[] id : WindowsVirtio.BLOCK_IDS) {
      String pci = "PCI\\" + (id[0] + "&SUBSYS_" + id[1] + "&REV_" + id[2]).toUpperCase(Locale.ROOT);
      reg.append("[\\DriverDatabase\\DeviceIds\\").append(pci).append("]\n\"").append(oem)
          .append("\"=hex(3):01,ff,00,00\n\n");
      reg.append("[\\DriverDatabase\\DriverPackages\\").append(pkg).append("\\Descriptors\\").append(pci)
          .append("]\n\"Configuration\"=\"").append(configuration).append("\"\n\n");
    }
    reg.append("[\\DriverDatabase\\DriverInfFiles\\").append(oem).append("]\n@=").append(WindowsHive.hex(7, pkg + "\0"))
        .append("\n\"Active\"=\"").append(pkg).append("\"\n\"Configurations\"=")
        .append(WindowsHive.hex(7, configuration + "\0")).append("\n\n");
    reg.append("[\\DriverDatabase\\DriverPackages\\").append(pkg).append("]\n@=\"").append(oem)
        .append("\"\n\"InfName\"=\"viostor.inf\"\n\"Catalog\"=\"viostor.cat\"\n\n");
    reg.append("[\\DriverDatabase\\DriverPackages\\").append(pkg).append("\\Configurations\\").append(configuration)
        .append("]\n\"ConfigFlags\"=dword:00000000\n\"Service\"=\"viostor\"\n\n");
    return new Registration(reg.toString(), "DriverDatabase binds them to " + oem + " (package " + pkg
        + ", configuration " + configuration + ", service viostor) for Windows 8 and later");
  }
}
