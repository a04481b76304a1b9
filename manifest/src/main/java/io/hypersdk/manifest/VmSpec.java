package io.hypersdk.manifest;

/** The VM's hardware as the source reported it; strings hold the manifest's enumerated values. */
public record VmSpec(
    Integer cpu,
    Integer memGb,
    String firmware,
    Boolean secureboot,
    String osHint,
    String osVersion) {

  /** Firmware kind, with {@code bios} when absent and vSphere's {@code efi} read as UEFI. */
  public Firmware firmwareKind() {
    return Firmware.parse(firmware);
  }

  /** OS family, {@link OsHint#UNKNOWN} when absent. */
  public OsHint osHintKind() {
    return OsHint.parse(osHint);
  }
}
