package io.hypersdk.convert.fix;

import static io.hypersdk.convert.fix.Guestfish.quote;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionException.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the guest's operating system with libguestfs inspection and mounts every filesystem its fstab declares
 * (so /boot, the ESP, /home on a second disk and LVM spanning disks are all reachable), refusing guests the stage
 * cannot fix with one line that says why.
 */
public final class GuestInspector {
  private final Guestfish fish;

  public GuestInspector(Guestfish fish) {
    this.fish = fish;
  }

  /** Inspects and mounts the guest; throws a {@link Kind#CONVERSION} error for a guest that cannot be fixed. */
  public GuestOs inspectAndMount() throws ConversionException, InterruptedException {
    Map<String, String> filesystems = pairs(fish.require("list-filesystems"));
    List<String> roots = fish.require("inspect-os").stream().filter(s -> !s.isBlank()).toList();
    if (roots.isEmpty()) {
      List<String> luks = encrypted();
      if (!luks.isEmpty()) {
        throw new ConversionException(Kind.CONVERSION, "the guest's root filesystem is encrypted (LUKS on "
            + String.join(", ", luks) + ") and no key was given; convert it with pipeline.fix.enabled false, "
            + "or decrypt it on the source first");
      }
      throw new ConversionException(Kind.CONVERSION, "no operating system found on the VM's disks (filesystems: "
          + (filesystems.isEmpty() ? "none" : describe(filesystems)) + "); a disk-only VM needs "
          + "pipeline.fix.enabled false (hyperexport --no-fix)");
    }
    String root = roots.get(0);
    String type = one("inspect-get-type " + quote(root));
    String distro = one("inspect-get-distro " + quote(root));
    String product = one("inspect-get-product-name " + quote(root));
    String major = one("inspect-get-major-version " + quote(root));
    String minor = one("inspect-get-minor-version " + quote(root));
    String variant = one("inspect-get-product-variant " + quote(root));
    String arch = one("inspect-get-arch " + quote(root));
    String packages = one("inspect-get-package-format " + quote(root));
    Map<String, String> mountpoints = pairs(fish.require("inspect-get-mountpoints " + quote(root)));
    mount(type, mountpoints);
    List<String> kernels = "linux".equals(type) ? kernels() : List.of();
    return new GuestOs(root, type, distro, product, major, minor, variant, arch, packages, mountpoints, kernels);
  }

  /** Devices and partitions holding LUKS; list-filesystems leaves them out. */
  private List<String> encrypted() throws ConversionException, InterruptedException {
    List<String> found = new ArrayList<>();
    List<String> candidates = new ArrayList<>(fish.require("list-devices"));
    candidates.addAll(fish.require("list-partitions"));
    for (String dev : candidates) {
      Guestfish.Reply type = fish.command("vfs-type " + quote(dev));
      if (type.ok() && type.text().trim().equals("crypto_LUKS")) {
        found.add(dev);
      }
    }
    return found;
  }

  private void mount(String type, Map<String, String> mountpoints) throws ConversionException,
      InterruptedException {
    List<Map.Entry<String, String>> order = new ArrayList<>(mountpoints.entrySet());
    // Parents before children: "/" before "/boot" before "/boot/efi".
    order.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()));
    for (Map.Entry<String, String> e : order) {
      Guestfish.Reply r = fish.command("mount " + quote(e.getValue()) + " " + quote(e.getKey()));
      if (r.ok()) {
        continue;
      }
      String why = Guestfish.oneLine(r.error());
      if ("windows".equals(type) && (why.contains("hibernat") || why.contains("unsafe state")
          || why.contains("Fast Restart") || why.contains("Fast Startup"))) {
        throw hibernated(e.getValue());
      }
      throw new ConversionException(Kind.CONVERSION, "cannot mount the guest's " + e.getKey() + " ("
          + e.getValue() + "): " + why);
    }
    if ("windows".equals(type) && mountpoints.containsKey("/")) {
      // ntfs-3g mounts a hibernated volume (hibernation or Fast Startup) read-only instead of failing.
      String probe = "/hypersdk-write-check";
      Guestfish.Reply touch = fish.command("touch " + probe);
      if (!touch.ok() && Guestfish.oneLine(touch.error()).contains("Read-only")) {
        throw hibernated(mountpoints.get("/"));
      }
      fish.command("rm-f " + probe);
    }
  }

  private static ConversionException hibernated(String device) {
    return new ConversionException(Kind.CONVERSION, "the Windows volume " + device + " is hibernated "
        + "or was shut down with Fast Startup, so it cannot be changed safely; boot the VM on the source, "
        + "disable Fast Startup (powercfg /h off) and shut it down fully, then export it again");
  }

  /** Kernel versions with both modules and a kernel image in /boot, oldest first. */
  private List<String> kernels() throws ConversionException, InterruptedException {
    String modules = fish.isDir("/lib/modules") ? "/lib/modules" : "/usr/lib/modules";
    List<String> found = new ArrayList<>();
    if (!fish.isDir(modules)) {
      return found;
    }
    for (String k : fish.require("ls " + modules)) {
      if (!k.isBlank() && fish.isDir(modules + "/" + k + "/kernel")
          && (fish.isFile("/boot/vmlinuz-" + k) || fish.isFile(modules + "/" + k + "/vmlinuz"))) {
        found.add(k);
      }
    }
    found.sort(GuestInspector::compareVersions);
    return found;
  }

  /** Orders kernel versions numerically, field by field: 5.10.0-9 before 5.10.0-21 before 6.1.0-1. */
  static int compareVersions(String a, String b) {
    String[] x = a.split("[^0-9]+");
    String[] y = b.split("[^0-9]+");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i].isEmpty() || y[i].isEmpty()) {
        continue;
      }
      int c = new java.math.BigInteger(x[i]).compareTo(new java.math.BigInteger(y[i]));
      if (c != 0) {
        return c;
      }
    }
    return a.compareTo(b);
  }

  private String one(String command) throws ConversionException, InterruptedException {
    return fish.require(command).stream().findFirst().orElse("").trim();
  }

  /** Parses guestfish's "key: value" lines. */
  static Map<String, String> pairs(List<String> lines) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String l : lines) {
      int colon = l.indexOf(": ");
      if (colon > 0) {
        m.put(l.substring(0, colon).trim(), l.substring(colon + 2).trim());
      }
    }
    return m;
  }

  private static String describe(Map<String, String> filesystems) {
    List<String> s = new ArrayList<>();
    filesystems.forEach((dev, fs) -> s.add(dev + " " + fs));
    return String.join(", ", s);
  }
}
