package io.hypersdk.convert.fix;

import io.hypersdk.convert.ConversionException;
import java.nio.file.Path;

/**
 * Lets a Windows guest without virtio drivers boot from SATA: the {@code storahci} service is set to start at
 * boot (Start=0) and its StartOverride key, which Windows uses to disable it again, is deleted. Without this,
 * Windows stops with INACCESSIBLE_BOOT_DEVICE (0x7B) on an AHCI disk.
 */
public final class WindowsStorahci implements GuestFix {
  private final Path scratch;

  public WindowsStorahci(Path scratch) {
    this.scratch = scratch;
  }

  @Override
  public void apply(Guest guest) throws ConversionException, InterruptedException {
    WindowsHive hive = WindowsHive.open(guest, WindowsHive.SYSTEM, scratch);
    String set = hive.currentControlSet();
    String key = "\\" + set + "\\Services\\storahci";
    hive.merge("[" + key + "]\n\"Start\"=dword:00000000\n\n[-" + key + "\\StartOverride]\n");
    hive.save();
    guest.record(hive.guestPath(), "storahci enabled at boot (" + set
        + "\\Services\\storahci Start=0, StartOverride removed) so Windows boots from SATA");
  }
}
