package io.hypersdk.convert.fix;

import io.hypersdk.convert.ConversionException;

/**
 * Copies the guest's UEFI loader to the removable-media path {@code \EFI\BOOT\BOOTX64.EFI}. VMware keeps the
 * boot entry for {@code \EFI\debian\shimx64.efi} in its own NVRAM, which does not move to KVM; OVMF starting
 * with empty variables only finds the fallback path.
 */
public final class UefiFallbackLoader implements GuestFix {
  private static final String ESP = "/boot/efi";

  @Override
  public void apply(Guest guest) throws ConversionException, InterruptedException {
    Guestfish fish = guest.fish();
    if (!fish.isDir(ESP + "/EFI") || fish.isFile(ESP + "/EFI/BOOT/BOOTX64.EFI")) {
      return;
    }
    for (String vendor : fish.require("ls " + ESP + "/EFI")) {
      String dir = ESP + "/EFI/" + vendor;
      String loader = fish.isFile(dir + "/shimx64.efi") ? "shimx64.efi"
          : fish.isFile(dir + "/grubx64.efi") ? "grubx64.efi" : null;
      if (vendor.isBlank() || vendor.equalsIgnoreCase("BOOT") || loader == null) {
        continue;
      }
      fish.require("mkdir-p " + ESP + "/EFI/BOOT");
      fish.require("cp " + Guestfish.quote(dir + "/" + loader) + " " + ESP + "/EFI/BOOT/BOOTX64.EFI");
      // shim loads grubx64.efi from its own folder, and grub reads grub.cfg from there too.
      for (String f : new String[] {"grubx64.efi", "grub.cfg"}) {
        if (!loader.equals(f) && fish.isFile(dir + "/" + f)) {
          fish.require("cp " + Guestfish.quote(dir + "/" + f) + " " + ESP + "/EFI/BOOT/" + f);
        }
      }
      guest.record(ESP + "/EFI/BOOT/BOOTX64.EFI", "copied from " + dir + "/" + loader
          + " (VMware's NVRAM boot entry does not move to KVM)");
      return;
    }
  }
}
