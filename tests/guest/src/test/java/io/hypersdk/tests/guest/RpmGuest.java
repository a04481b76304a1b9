package io.hypersdk.tests.guest;

import io.hypersdk.testing.Tools;
import java.nio.file.Path;

/**
 * The RPM/dracut stand-in guest of {@code tests/guest/build-rpm-guest.sh}: a Debian userland that libguestfs
 * inspects as RHEL 9, with open-vm-tools in its rpm database, two kernels with pvscsi-only dracut images and
 * RHEL's /boot/grub2 and BLS layout. BIOS only; built once per machine like {@link TestGuest}.
 */
final class RpmGuest {
  /** The VM's name in the OVF, which names the outputs. */
  static final String VM_NAME = "hypersdk-rpm-guest-bios";
  /** The MAC the build script writes into the OVF. */
  static final String MAC = "00:50:56:a1:12:11";
  /** The machine id the BLS entries' file names start with. */
  static final String BLS_ID = "4a1d0c1e5b6f4d7e8a9b0c1d2e3f4a5b";

  private static Path built;

  private RpmGuest() {}

  static synchronized Path ova() {
    if (built == null) {
      Tools.require("rpmbuild", "rpm");
      built = TestGuest.build("build-rpm-guest.sh", "bios/hypersdk-rpm-guest.ova");
    }
    return built.resolve("bios/hypersdk-rpm-guest.ova");
  }
}
