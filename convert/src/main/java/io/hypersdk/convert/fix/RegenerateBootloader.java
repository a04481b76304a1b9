package io.hypersdk.convert.fix;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionException.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Regenerates grub's configuration with /boot and the ESP mounted, so the boot menu names the stable root
 * device and the rebuilt initramfs images. Guests without grub (e.g. systemd-boot) keep their loader, whose
 * BLS entries {@link StableDeviceNames} already rewrote.
 */
public final class RegenerateBootloader implements GuestFix {
  @Override
  public void apply(Guest guest) throws ConversionException, InterruptedException {
    Guestfish fish = guest.fish();
    List<String> configs = new ArrayList<>();
    String command;
    if (guest.os().family() == GuestOs.Family.DEBIAN) {
      if (!fish.isFile("/boot/grub/grub.cfg")) {
        guest.warn("no /boot/grub/grub.cfg in the guest: its bootloader configuration was not regenerated");
        return;
      }
      configs.add("/boot/grub/grub.cfg");
      command = fish.isFile("/usr/sbin/update-grub") ? "update-grub" : "grub-mkconfig -o /boot/grub/grub.cfg";
    } else {
      if (!fish.isFile("/boot/grub2/grub.cfg")) {
        guest.warn("no /boot/grub2/grub.cfg in the guest: its bootloader configuration was not regenerated");
        return;
      }
      configs.add("/boot/grub2/grub.cfg");
      command = "grub2-mkconfig -o /boot/grub2/grub.cfg";
    }
    for (String cfg : configs) {
      guest.keepOriginal(cfg);
    }
    Guestfish.Reply r = fish.sh(command + " 2>&1");
    if (!r.ok()) {
      throw new ConversionException(Kind.CONVERSION, "regenerating the bootloader configuration (" + command
          + ") failed: " + Guestfish.oneLine(r.error()));
    }
    for (String cfg : configs) {
      guest.record(cfg, "regenerated (" + command + ")");
    }
  }
}
