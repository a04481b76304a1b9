package io.hypersdk.manifest;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Disk image formats a manifest may name, with the name qemu-img uses for each. */
public enum DiskFormat {
  VMDK("vmdk"), QCOW2("qcow2"), RAW("raw"), VHD("vpc"), VHDX("vhdx"), VDI("vdi");

  private final String qemuName;

  DiskFormat(String qemuName) {
    this.qemuName = qemuName;
  }

  /** The manifest spelling, also the file extension. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The {@code -f}/{@code -O} argument of qemu-img. */
  public String qemuName() {
    return qemuName;
  }

  public static Optional<DiskFormat> find(String value) {
    if (value == null) {
      return Optional.empty();
    }
    return Arrays.stream(values()).filter(f -> f.value().equalsIgnoreCase(value)).findFirst();
  }

  /** Parses a manifest value, failing with the list of allowed values. */
  public static DiskFormat parse(String value) {
    return find(value).orElseThrow(() -> new IllegalArgumentException(
        "disk format must be one of vmdk, qcow2, raw, vhd, vhdx, vdi, not '" + value + "'"));
  }
}
