package io.hypersdk.providers;

import java.util.List;
import java.util.Locale;

/**
 * Maps VMware guest ids (also used in OVF {@code vmw:osType}) to the manifest's OS family. Upstream left
 * most Linux ids "unknown" (e.g. {@code rhel8_64Guest}); here every Linux family is recognised.
 */
public final class GuestOs {
  private static final List<String> LINUX_PREFIXES = List.of("rhel", "centos", "oracle", "sles", "suse", "opensuse",
      "ubuntu", "debian", "fedora", "photon", "amazonlinux", "coreos", "asianux", "mandrake", "mandriva", "turbolinux",
      "redhat", "rocky", "alma", "other24xlinux", "other26xlinux", "other3xlinux", "other4xlinux", "other5xlinux",
      "other6xlinux", "otherlinux", "genericlinux", "crxpod", "crxsys", "vmwarephoton", "miraclelinux", "kylinlinux",
      "fusionos", "prolinux", "pardus");

  private GuestOs() {}

  /** linux, windows or unknown. */
  public static String family(String guestId) {
    if (guestId == null || guestId.isBlank()) {
      return "unknown";
    }
    String id = guestId.toLowerCase(Locale.ROOT);
    if (id.startsWith("win") || id.contains("windows")) {
      return "windows";
    }
    if (id.contains("linux") || LINUX_PREFIXES.stream().anyMatch(id::startsWith)) {
      return "linux";
    }
    return "unknown";
  }
}
