package io.hypersdk.convert.fix;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionException.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts the virtio drivers into the initramfs of every installed kernel, not only the one that boots now, so
 * that choosing an older kernel in grub still finds the root disk. initramfs-tools reads
 * /etc/initramfs-tools/modules whatever its MODULES= policy; dracut reads add_drivers from dracut.conf.d.
 * Each rebuilt image is then checked to contain virtio_blk.
 */
public final class VirtioInitramfs implements GuestFix {
  static final String INITRAMFS_TOOLS_MODULES = "/etc/initramfs-tools/modules";
  static final String DRACUT_CONF = "/etc/dracut.conf.d/50-hypersdk-virtio.conf";

  private final List<String> kernelsWithoutVirtio;

  /** {@code kernelsWithoutVirtio} have no virtio_blk at all; they are rebuilt but not expected to hold it. */
  public VirtioInitramfs(List<String> kernelsWithoutVirtio) {
    this.kernelsWithoutVirtio = List.copyOf(kernelsWithoutVirtio);
  }

  @Override
  public void apply(Guest guest) throws ConversionException, InterruptedException {
    Guestfish fish = guest.fish();
    boolean dracut = guest.os().family() == GuestOs.Family.RHEL || fish.isDir("/etc/dracut.conf.d")
        && !fish.isDir("/etc/initramfs-tools");
    if (dracut) {
      String content = "# Written by HyperSDK's fix stage: drivers to find the root disk on KVM.\n"
          + "add_drivers+=\" " + String.join(" ", VirtioSupport.INITRAMFS_MODULES) + " \"\n";
      if (!fish.isDir("/etc/dracut.conf.d")) {
        fish.require("mkdir-p /etc/dracut.conf.d");
      }
      guest.replace(DRACUT_CONF, guest.readIfExists(DRACUT_CONF), content, "virtio drivers added to dracut");
    } else {
      String old = guest.readIfExists(INITRAMFS_TOOLS_MODULES);
      String text = old == null ? "" : old;
      List<String> missing = new ArrayList<>();
      for (String m : VirtioSupport.INITRAMFS_MODULES) {
        if (!text.lines().map(String::trim).anyMatch(l -> l.equals(m))) {
          missing.add(m);
        }
      }
      if (!missing.isEmpty()) {
        String content = text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n")
            + "# Added by HyperSDK's fix stage: drivers to find the root disk on KVM.\n"
            + String.join("\n", missing) + "\n";
        guest.replace(INITRAMFS_TOOLS_MODULES, old, content, "modules added: " + String.join(", ", missing));
      }
    }
    for (String k : guest.os().kernels()) {
      String image = dracut ? "/boot/initramfs-" + k + ".img" : "/boot/initrd.img-" + k;
      String build = dracut ? "dracut -f " + image + " " + k : "update-initramfs -c -k " + k;
      if (!dracut && fish.isFile(image)) {
        build = "update-initramfs -u -k " + k;
      }
      Guestfish.Reply r = fish.sh(build + " 2>&1");
      if (!r.ok()) {
        throw new ConversionException(Kind.CONVERSION, "rebuilding the initramfs of kernel " + k + " failed: "
            + Guestfish.oneLine(r.error()));
      }
      String list = dracut ? "lsinitrd " + image : "lsinitramfs " + image;
      Guestfish.Reply content = fish.sh(list + " | grep -c 'virtio_blk' || true");
      boolean inside = content.ok() && !content.text().trim().equals("0");
      if (!inside && !kernelsWithoutVirtio.contains(k) && !builtIn(guest, k)) {
        throw new ConversionException(Kind.CONVERSION, "the rebuilt initramfs " + image + " of kernel " + k
            + " still has no virtio_blk");
      }
      guest.record(image, "rebuilt with virtio drivers (" + (dracut ? "dracut" : "update-initramfs") + ")");
    }
  }

  private static boolean builtIn(Guest guest, String kernel) throws ConversionException, InterruptedException {
    String builtin = guest.readIfExists("/lib/modules/" + kernel + "/modules.builtin");
    return builtin != null && builtin.contains("/virtio_blk.ko");
  }
}
