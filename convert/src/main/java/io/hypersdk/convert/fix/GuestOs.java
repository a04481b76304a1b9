package io.hypersdk.convert.fix;

import java.util.List;
import java.util.Map;

/**
 * What libguestfs inspection found: the root filesystem, the OS type ({@code linux}, {@code windows}), the
 * distribution, its package format, the mount points the guest's fstab declares and the installed kernels; for
 * Windows also the minor version, the product variant ({@code Client}, {@code Server}) and the architecture, which
 * pick the virtio-win drivers.
 */
public record GuestOs(
    String root,
    String type,
    String distro,
    String productName,
    String majorVersion,
    String minorVersion,
    String productVariant,
    String arch,
    String packageFormat,
    Map<String, String> mountpoints,
    List<String> kernels) {

  /** Families the Linux fixes know: their package manager, initramfs tool and bootloader commands. */
  public enum Family { DEBIAN, RHEL }

  private static final List<String> DEBIAN_FAMILY = List.of("debian", "ubuntu", "linuxmint", "kalilinux");
  private static final List<String> RHEL_FAMILY = List.of("rhel", "centos", "fedora", "rocky", "almalinux",
      "oraclelinux", "scientificlinux", "redhat-based", "circle");

  /** The distributions the stage supports, as printed when it refuses another. */
  public static final String SUPPORTED = "the Debian family (" + String.join(", ", DEBIAN_FAMILY)
      + ") and the RHEL family (" + String.join(", ", RHEL_FAMILY) + ")";

  public GuestOs {
    mountpoints = Map.copyOf(mountpoints);
    kernels = List.copyOf(kernels);
  }

  public boolean windows() {
    return "windows".equals(type);
  }

  /** The Linux family, or null when the distribution is not one the stage supports. */
  public Family family() {
    if (!"linux".equals(type)) {
      return null;
    }
    if (DEBIAN_FAMILY.contains(distro)) {
      return Family.DEBIAN;
    }
    return RHEL_FAMILY.contains(distro) ? Family.RHEL : null;
  }

  /** One line for reports: "debian 12 (Debian GNU/Linux 12 (bookworm))". */
  public String describe() {
    String v = majorVersion == null || "0".equals(majorVersion) ? "" : " " + majorVersion;
    return distro + v + (productName == null || productName.equals("unknown") ? "" : " (" + productName + ")");
  }

  /** The kernel grub boots by default: the newest installed. */
  public String newestKernel() {
    return kernels.isEmpty() ? null : kernels.get(kernels.size() - 1);
  }
}
