package io.hypersdk.convert.fix;

import io.hypersdk.convert.ConversionException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites block device names that change when disks move from VMware's SCSI controller to virtio: in fstab,
 * crypttab, resume configuration, {@code GRUB_CMDLINE_LINUX*}, grub.cfg's kernel lines, BLS entries and
 * /etc/kernel/cmdline. Only {@code root=} and {@code resume=} kernel arguments are touched, never grub's own
 * {@code set root='hd0,msdos1'}, which names a BIOS disk rather than a Linux device.
 */
public final class StableDeviceNames implements GuestFix {
  /** The manifest's {@code pipeline.fix.fstab_mode}. */
  public enum Mode {
    STABILIZE_ALL, BYPATH_ONLY, NOOP;

    /** Reads the manifest value; null means the default, stabilize-all. */
    public static Mode of(String value) {
      return value == null ? STABILIZE_ALL : valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }

  private static final Pattern KERNEL_NAME = Pattern.compile("/dev/(?:[shv]|xv)d([a-z]+)(\\d*)");
  private static final Pattern BY_PATH = Pattern.compile("/dev/disk/by-path/\\S*?scsi-\\d+:\\d+:(\\d+):\\d+"
      + "(?:-part(\\d+))?");
  private static final String KERNELOPTS = "kernelopts=";
  static final Pattern CMDLINE_DEVICE = Pattern.compile("(?<=^|[\\s\"'])(root|resume)=(/dev/[^\\s\"']+)");

  private final Mode mode;
  private final Map<String, String> cache = new HashMap<>();
  private final boolean applianceNames;
  private List<String> applianceDisks;
  private Set<String> applianceNodes = Set.of();
  private String guestRoot;

  public StableDeviceNames(Mode mode) {
    this(mode, false);
  }

  private StableDeviceNames(Mode mode, boolean applianceNames) {
    this.mode = mode;
    this.applianceNames = applianceNames;
  }

  /**
   * The pass after grub-mkconfig ran in the appliance: the devices it wrote into grub.cfg are the appliance's
   * names, which need not be the guest's (the appliance may enumerate its disks in another order).
   */
  public static StableDeviceNames afterBootloaderRegeneration(Mode mode) {
    return new StableDeviceNames(mode, true);
  }

  @Override
  public void apply(Guest guest) throws ConversionException, InterruptedException {
    if (mode == Mode.NOOP) {
      return;
    }
    applianceDisks = guest.fish().require("list-devices");
    if (applianceNames) {
      applianceNodes = new HashSet<>(applianceDisks);
      applianceNodes.addAll(guest.fish().require("list-partitions"));
      // grub-probe in the appliance may name a node that exists nowhere (seen: /dev/sdc2 for the root on sda2):
      // root= can only mean the guest's root filesystem, which inspection found.
      List<String> roots = guest.fish().require("inspect-get-roots");
      guestRoot = roots.isEmpty() ? null : roots.get(0);
      editCmdline(guest, "/boot/grub/grub.cfg", StableDeviceNames::kernelLine);
      editCmdline(guest, "/boot/grub2/grub.cfg", StableDeviceNames::kernelLine);
      return;
    }
    rewrite(guest, "/etc/fstab", 0, "block devices named by UUID/PARTUUID/LABEL");
    rewrite(guest, "/etc/crypttab", 1, "encrypted devices named by UUID");
    editCmdline(guest, "/etc/default/grub", l -> l.startsWith("GRUB_CMDLINE_LINUX"));
    editCmdline(guest, "/etc/kernel/cmdline", l -> true);
    editCmdline(guest, "/boot/grub/grub.cfg", StableDeviceNames::kernelLine);
    editCmdline(guest, "/boot/grub2/grub.cfg", StableDeviceNames::kernelLine);
    if (guest.fish().isDir("/boot/loader/entries")) {
      for (String entry : guest.fish().require("ls /boot/loader/entries")) {
        if (entry.endsWith(".conf")) {
          editCmdline(guest, "/boot/loader/entries/" + entry, l -> l.startsWith("options"));
        }
      }
    }
    for (String env : List.of("/boot/grub2/grubenv", "/boot/grub/grubenv")) {
      editGrubenv(guest, env);
    }
    String resume = "/etc/initramfs-tools/conf.d/resume";
    String old = guest.readIfExists(resume);
    if (old != null) {
      StringBuilder out = new StringBuilder();
      for (String line : old.split("\n", -1)) {
        Matcher m = Pattern.compile("^(RESUME=)(\\S+)$").matcher(line);
        String stable = m.matches() ? stable(guest, m.group(2)) : null;
        out.append(stable == null ? line : m.group(1) + stable).append('\n');
      }
      guest.replace(resume, old, trimLast(out), "resume device named by UUID");
    }
  }

  /** Rewrites the device in field {@code field} of each entry of a fstab-like file. */
  private void rewrite(Guest guest, String path, int field, String change) throws ConversionException,
      InterruptedException {
    String old = guest.readIfExists(path);
    if (old == null) {
      return;
    }
    StringBuilder out = new StringBuilder();
    List<String> rewritten = new ArrayList<>();
    for (String line : old.split("\n", -1)) {
      String trimmed = line.trim();
      String[] f = trimmed.split("\\s+");
      String stable = trimmed.startsWith("#") || f.length <= field ? null : stable(guest, f[field]);
      if (stable == null) {
        out.append(line).append('\n');
        continue;
      }
      rewritten.add(f[field] + " -> " + stable);
      // Only the device changes; the line keeps its own spacing and comments.
      int at = field == 0 ? line.indexOf(f[0]) : line.indexOf(f[field], line.indexOf(f[0]) + f[0].length());
      out.append(line, 0, at).append(stable).append(line.substring(at + f[field].length())).append('\n');
    }
    if (!rewritten.isEmpty()) {
      guest.replace(path, old, trimLast(out), change + ": " + String.join(", ", rewritten));
    }
  }

  private void editCmdline(Guest guest, String path, Predicate<String> lines)
      throws ConversionException, InterruptedException {
    String old = guest.readIfExists(path);
    if (old == null) {
      return;
    }
    StringBuilder out = new StringBuilder();
    List<String> rewritten = new ArrayList<>();
    for (String line : old.split("\n", -1)) {
      if (!lines.test(line.trim())) {
        out.append(line).append('\n');
        continue;
      }
      out.append(stableArguments(guest, line, rewritten)).append('\n');
    }
    if (!rewritten.isEmpty()) {
      guest.replace(path, old, trimLast(out), "kernel arguments made stable: "
          + String.join(", ", rewritten.stream().distinct().toList()));
    }
  }

  /** {@code line} with each {@code root=}/{@code resume=}-style device made stable; each rewrite is added to {@code rewritten}. */
  private String stableArguments(Guest guest, String line, List<String> rewritten)
      throws ConversionException, InterruptedException {
    Matcher m = CMDLINE_DEVICE.matcher(line);
    StringBuilder l = new StringBuilder();
    while (m.find()) {
      // After grub-mkconfig, root= names what grub-probe saw in the appliance, which can be another disk's node
      // (seen: /dev/sdb1, the /home disk, for the root on sda1): it can only mean the root inspection found.
      boolean root = applianceNames && guestRoot != null && m.group(1).equals("root");
      String stable = stable(guest, root ? guestRoot : m.group(2));
      String replacement = stable == null ? m.group() : m.group(1) + "=" + stable;
      if (stable != null) {
        rewritten.add(m.group() + " -> " + replacement);
      }
      m.appendReplacement(l, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(l);
    return l.toString();
  }

  /**
   * RHEL 8 keeps the kernel arguments of its BLS entries in grubenv's {@code kernelopts}. grubenv is a block of
   * exactly 1024 bytes padded with '#', which grub refuses at any other size, so the padding is redone.
   */
  private void editGrubenv(Guest guest, String path) throws ConversionException, InterruptedException {
    String old = guest.readIfExists(path);
    if (old == null || !old.contains("kernelopts=")) {
      return;
    }
    StringBuilder body = new StringBuilder();
    List<String> rewritten = new ArrayList<>();
    for (String line : old.split("\n")) {
      if (line.matches("#+")) {
        continue;
      }
      String arguments = kernelopts(line);
      body.append(arguments == null ? line : KERNELOPTS + stableArguments(guest, arguments, rewritten)).append('\n');
    }
    if (rewritten.isEmpty() || body.length() > 1024) {
      return;
    }
    String content = body + "#".repeat(1024 - body.length());
    guest.replace(path, old, content, "kernelopts made stable: " + String.join(", ", rewritten));
  }

  /**
   * The kernel arguments of grubenv's {@code kernelopts=ARGS} line, or null for another line. The arguments are
   * edited apart from the variable's name: the first of them, RHEL 8's {@code root=}, follows "kernelopts=" with
   * no space, where {@link #CMDLINE_DEVICE} does not look.
   */
  static String kernelopts(String grubenvLine) {
    return grubenvLine.startsWith(KERNELOPTS) ? grubenvLine.substring(KERNELOPTS.length()) : null;
  }

  /** grub.cfg lines that load a kernel; nothing else in grub.cfg names a Linux device. */
  static boolean kernelLine(String trimmed) {
    return trimmed.matches("^(linux|linux16|linuxefi|kernel)\\s.*");
  }

  /** The stable name (UUID=..., PARTUUID=..., LABEL=...) for a device name the mode rewrites, else null. */
  private String stable(Guest guest, String device) throws ConversionException, InterruptedException {
    String appliance = applianceNames ? (applianceNodes.contains(device) ? device : null)
        : applianceDevice(device, mode, applianceDisks);
    if (appliance == null) {
      return null;
    }
    if (cache.containsKey(appliance)) {
      return cache.get(appliance);
    }
    Guestfish.Reply r = guest.fish().command("blkid " + Guestfish.quote(appliance));
    Map<String, String> ids = r.ok() ? GuestInspector.pairs(r.lines()) : Map.of();
    String stable = ids.containsKey("UUID") ? "UUID=" + ids.get("UUID")
        : ids.containsKey("PARTUUID") ? "PARTUUID=" + ids.get("PARTUUID")
        : ids.containsKey("LABEL") ? "LABEL=" + ids.get("LABEL") : null;
    if (stable == null) {
      guest.warn(device + " has no UUID, PARTUUID or LABEL; it was left as it is and may not be found on KVM");
    }
    cache.put(appliance, stable);
    return stable;
  }

  /** The appliance's name for a guest device the mode rewrites; null for names that stay (LVM, UUID=, ...). */
  static String applianceDevice(String device, Mode mode, List<String> applianceDisks) {
    int disk;
    String part;
    Matcher path = BY_PATH.matcher(device);
    Matcher kernel = KERNEL_NAME.matcher(device);
    if (path.matches()) {
      disk = Integer.parseInt(path.group(1));
      part = path.group(2) == null ? "" : path.group(2);
    } else if (mode == Mode.STABILIZE_ALL && kernel.matches()) {
      disk = letters(kernel.group(1));
      part = kernel.group(2);
    } else {
      return null;
    }
    // The disks were added to the appliance in the VM's boot order, which is its SCSI order.
    return disk < applianceDisks.size() ? applianceDisks.get(disk) + part : null;
  }

  /** a=0, b=1, ..., z=25, aa=26. */
  static int letters(String s) {
    int n = 0;
    for (char c : s.toCharArray()) {
      n = n * 26 + (c - 'a' + 1);
    }
    return n - 1;
  }

  /** The rewritten text without the newline appended after its last piece, so the file ends as it did. */
  private static String trimLast(StringBuilder out) {
    return out.substring(0, out.length() - 1);
  }
}
