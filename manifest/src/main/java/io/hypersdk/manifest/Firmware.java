package io.hypersdk.manifest;

import java.util.Locale;

/** Boot firmware of the VM. */
public enum Firmware {
  BIOS, UEFI, UNKNOWN;

  /** The manifest spelling. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a manifest value; null means the default, bios. vSphere calls UEFI "efi": upstream rejected it
   * and so failed every UEFI VM, so it is accepted here as a synonym.
   */
  public static Firmware parse(String value) {
    if (value == null) {
      return BIOS;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "bios" -> BIOS;
      case "uefi", "efi" -> UEFI;
      case "unknown" -> UNKNOWN;
      default -> throw new IllegalArgumentException("firmware must be bios, uefi or unknown, not '" + value + "'");
    };
  }
}
