package io.hypersdk.convert.accel;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How qemu runs guest code: KVM where it can boot a kernel, otherwise TCG (emulation, slower but always works). */
public enum Accel {
  KVM,
  TCG;

  /** The lower-case name used in reports, logs, caches and {@code HYPERSDK_ACCEL}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The qemu-system options that select this accelerator. Under KVM the default CPU model is kept: it is what
   * the probe booted, whereas {@code -cpu host} aborts on some nested KVMs. Under TCG {@code -cpu max} offers
   * every feature TCG emulates, which modern kernels expect.
   */
  public List<String> qemuArgs() {
    return this == KVM ? List.of("-accel", "kvm") : List.of("-accel", "tcg", "-cpu", "max");
  }

  /**
   * The environment libguestfs needs: the direct backend (libvirt's would pick its own accelerator, and is not
   * running in the daemon's sandbox), and {@code force_tcg} where KVM cannot boot its appliance.
   */
  public Map<String, String> libguestfsEnvironment() {
    return this == KVM
        ? Map.of("LIBGUESTFS_BACKEND", "direct")
        : Map.of("LIBGUESTFS_BACKEND", "direct", "LIBGUESTFS_BACKEND_SETTINGS", "force_tcg");
  }

  /** Parses {@code kvm} or {@code tcg} (any case); null for anything else. */
  public static Accel parse(String value) {
    if (value == null) {
      return null;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "kvm" -> KVM;
      case "tcg" -> TCG;
      default -> null;
    };
  }
}
