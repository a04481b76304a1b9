package io.hypersdk.convert.fix;

import io.hypersdk.convert.ConversionException.Kind;
import io.hypersdk.convert.ConversionException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Removes VMware Tools through the guest's package manager, so its database stays true (deleting the files
 * behind dpkg's or rpm's back would leave a package that reinstalls nothing and breaks upgrades). A tarball
 * install is removed with VMware's own uninstaller.
 */
public final class RemoveVmwareTools implements GuestFix {
  /** Packages of VMware Tools in Debian and RHEL repositories and in VMware's own. */
  static final List<String> PACKAGES = List.of("open-vm-tools-desktop", "open-vm-tools-sdmp", "open-vm-tools-dev",
      "open-vm-tools", "vmware-tools-core", "vmware-tools-foundation", "vmware-tools", "VMwareTools");
  private static final String TARBALL_UNINSTALLER = "/usr/bin/vmware-uninstall-tools.pl";

  @Override
  public void apply(Guest guest) throws ConversionException, InterruptedException {
    Guestfish fish = guest.fish();
    List<String> installed = installed(guest);
    if (!installed.isEmpty()) {
      String names = String.join(" ", installed);
      String command = guest.os().family() == GuestOs.Family.DEBIAN
          ? "DEBIAN_FRONTEND=noninteractive dpkg --purge " + names
          : "rpm -e " + names;
      Guestfish.Reply r = fish.sh(command + " 2>&1");
      if (!r.ok()) {
        throw new ConversionException(Kind.CONVERSION, "removing VMware Tools (" + names + ") failed: "
            + Guestfish.oneLine(r.error()));
      }
      for (String p : installed) {
        guest.record("package " + p, "removed (VMware Tools)");
      }
    }
    if (fish.isFile(TARBALL_UNINSTALLER)) {
      Guestfish.Reply r = fish.sh(TARBALL_UNINSTALLER + " </dev/null 2>&1");
      if (!r.ok()) {
        guest.warn("VMware Tools installed from VMware's tarball could not be removed: "
            + Guestfish.oneLine(r.error()));
      } else {
        guest.record(TARBALL_UNINSTALLER, "VMware Tools (tarball install) uninstalled");
      }
    }
  }

  /** The installed packages among {@link #PACKAGES}, asked in one query. */
  private static List<String> installed(Guest guest) throws ConversionException, InterruptedException {
    String names = String.join(" ", PACKAGES);
    String query = guest.os().family() == GuestOs.Family.DEBIAN
        ? "dpkg-query -W -f='${Package} ${Status}\\n' " + names + " 2>/dev/null | grep ' install ok installed$' "
            + "| cut -d' ' -f1; true"
        : "rpm -q --qf '%{NAME}\\n' " + names + " 2>/dev/null | grep -v ' ' ; true";
    Guestfish.Reply r = guest.fish().sh(query);
    List<String> found = new ArrayList<>();
    if (r.ok()) {
      for (String l : r.lines()) {
        if (PACKAGES.contains(l.trim())) {
          found.add(l.trim());
        }
      }
    }
    // Dependants first, so one dpkg or rpm call removes them all.
    found.sort(Comparator.comparingInt(PACKAGES::indexOf));
    return found;
  }
}
