package io.hypersdk.convert.fix;

import io.hypersdk.convert.ConversionException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Installs virtio-win drivers into a Windows guest the way virt-v2v documents it, so that it boots from a virtio
 * disk: viostor.sys goes into {@code Windows\System32\drivers}, every selected driver's files are staged in
 * {@code Windows\Drivers\VirtIO}, the viostor service starts at boot, the CriticalDeviceDatabase binds the virtio
 * block PCI ids (legacy 1AF4:1001 and modern 1AF4:1042) to it, and the staging folder is added to DevicePath so
 * Plug and Play installs the other drivers (NetKVM) from it when it finds their devices.
 */
public final class WindowsVirtio implements GuestFix {
  /** Where the drivers' .inf, .cat and .sys files are staged in the guest. */
  static final String STAGING = "/Windows/Drivers/VirtIO";
  /** The same folder as Windows names it in DevicePath. */
  static final String STAGING_WINDOWS = "%SystemRoot%\\Drivers\\VirtIO";
  /** Windows' setup class of SCSI and RAID controllers, which viostor is. */
  static final String SCSI_ADAPTER_CLASS = "{4D36E97B-E325-11CE-BFC1-08002BE10318}";
  /** The virtio block device ids (vendor&device, subsystem, revision): legacy and modern (virtio 1.0). */
  static final List<String[]> BLOCK_IDS = List.of(new String[] {"ven_1af4&dev_1001", "00021af4", "00"},
      new String[] {"ven_1af4&dev_1042", "11001af4", "01"});
  private static final Pattern DEVICE_PATH = Pattern.compile("\"DevicePath\"=(hex\\(2\\):([0-9a-fA-F,\\s\\\\]*)|\"(.*)\")");

  private final VirtioWin.Drivers drivers;
  private final Path scratch;

  public WindowsVirtio(VirtioWin.Drivers drivers, Path scratch) {
    this.drivers = drivers;
    this.scratch = scratch;
  }

  @Override
  public void apply(Guest guest) throws ConversionException, InterruptedException {
    copyFiles(guest);
    WindowsHive system = WindowsHive.open(guest, WindowsHive.SYSTEM, scratch);
    String set = system.currentControlSet();
    boolean database = ViostorDriverDatabase.needed(guest.os());
    ViostorDriverDatabase.Registration registration = database ? ViostorDriverDatabase.install(guest, drivers)
        : null;
    system.merge(viostorService(set) + criticalDevices(set) + (database ? registration.reg() : ""));
    system.save();
    guest.record(system.guestPath(), set + "\\Services\\viostor added (Type=1, Start=0, ErrorControl=1, Group=SCSI "
        + "miniport, ImagePath=system32\\drivers\\viostor.sys) and " + set + "\\Control\\CriticalDeviceDatabase "
        + "binds PCI\\VEN_1AF4&DEV_1001 and DEV_1042 to it" + (database ? "; " + registration.description() : "")
        + "; so the virtio boot disk's driver loads at first boot");
    WindowsHive software = WindowsHive.open(guest, WindowsHive.SOFTWARE, scratch);
    String key = "\\Microsoft\\Windows\\CurrentVersion";
    String old = devicePath(software.valuesOf(key));
    if (!old.toLowerCase().contains(STAGING_WINDOWS.toLowerCase())) {
      String value = (old.isEmpty() ? "%SystemRoot%\\inf" : old) + ";" + STAGING_WINDOWS;
      software.merge("[" + key + "]\n\"DevicePath\"=" + WindowsHive.hex(2, value) + "\n");
      software.save();
      guest.record(software.guestPath(), "DevicePath " + value + " so Plug and Play installs the staged virtio "
          + "drivers when it finds their devices");
    }
  }

  private void copyFiles(Guest guest) throws ConversionException, InterruptedException {
    Guestfish fish = guest.fish();
    String staging = inGuestCase(fish, STAGING);
    fish.require("mkdir-p " + Guestfish.quote(staging));
    String driversDir = inGuestCase(fish, "/Windows/System32/drivers");
    fish.require("mkdir-p " + Guestfish.quote(driversDir));
    for (Map.Entry<String, List<Path>> e : drivers.files().entrySet()) {
      for (Path file : e.getValue()) {
        String name = file.getFileName().toString();
        upload(guest, file, staging + "/" + name, "virtio-win " + drivers.windowsDir() + "/" + drivers.archDir()
            + " " + e.getKey() + " driver file staged for Plug and Play");
        if (e.getKey().equals(VirtioWin.DISK_DRIVER) && name.equalsIgnoreCase("viostor.sys")) {
          upload(guest, file, driversDir + "/viostor.sys", "virtio block driver installed (virtio-win "
              + drivers.windowsDir() + "/" + drivers.archDir() + "), loaded at boot by the viostor service");
        }
      }
    }
  }

  /**
   * {@code path} with each existing component in the case the guest wrote it (NTFS keeps case, ntfs-3g compares
   * with it), and the missing rest as given.
   */
  static String inGuestCase(Guestfish fish, String path) throws ConversionException, InterruptedException {
    String resolved = "";
    String[] parts = path.substring(1).split("/");
    for (int i = 0; i < parts.length; i++) {
      Guestfish.Reply r = fish.command("case-sensitive-path " + Guestfish.quote(resolved + "/" + parts[i]));
      if (!r.ok() || r.lines().isEmpty()) {
        return resolved + "/" + String.join("/", Arrays.asList(parts).subList(i, parts.length));
      }
      resolved = r.lines().get(0).trim();
    }
    return resolved;
  }

  static void upload(Guest guest, Path local, String guestPath, String change) throws ConversionException,
      InterruptedException {
    if (guest.fish().isFile(guestPath)) {
      guest.keepOriginal(guestPath);
    }
    guest.fish().require("upload " + Guestfish.quote(local.toString()) + " " + Guestfish.quote(guestPath));
    guest.record(guestPath, change);
  }

  static String viostorService(String set) {
    String service = "\\" + set + "\\Services\\viostor";
    return "[" + service + "]\n\"Type\"=dword:00000001\n\"Start\"=dword:00000000\n\"ErrorControl\"=dword:00000001\n"
        + "\"Group\"=\"SCSI miniport\"\n\"ImagePath\"=" + WindowsHive.hex(2, "system32\\drivers\\viostor.sys") + "\n\n"
        + "[" + service + "\\Parameters\\PnpInterface]\n\"5\"=dword:00000001\n\n";
  }

  /** One entry per id, from the most specific (with subsystem and revision) to vendor&device alone. */
  static String criticalDevices(String set) {
    StringBuilder s = new StringBuilder();
    for (String[] id : BLOCK_IDS) {
      List<String> names = new ArrayList<>();
      names.add("pci#" + id[0] + "&subsys_" + id[1] + "&rev_" + id[2]);
      names.add("pci#" + id[0] + "&subsys_" + id[1]);
      names.add("pci#" + id[0]);
      for (String n : names) {
        s.append("[\\").append(set).append("\\Control\\CriticalDeviceDatabase\\").append(n).append("]\n")
            .append("\"Service\"=\"viostor\"\n\"ClassGUID\"=\"").append(SCSI_ADAPTER_CLASS).append("\"\n\n");
      }
    }
    return s.toString();
  }

  /** The DevicePath value in a key's .reg lines, or "" when there is none. */
  static String devicePath(String export) {
    Matcher m = DEVICE_PATH.matcher(export);
    if (!m.find()) {
      return "";
    }
    if (m.group(3) != null) {
      return m.group(3).replace("\\\\", "\\");
    }
    byte[] b = HexFormat.of().parseHex(m.group(2).replaceAll("[,\\s\\\\]", ""));
    String v = new String(b, StandardCharsets.UTF_16LE);
    int nul = v.indexOf('\0');
    return nul < 0 ? v : v.substring(0, nul);
  }
}
