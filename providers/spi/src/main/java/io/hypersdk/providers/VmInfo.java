package io.hypersdk.providers;

import java.util.List;

/**
 * What the manifest needs to know about a VM. {@code firmware} and {@code osHint} use the manifest's values
 * (bios/uefi/unknown, linux/windows/unknown); {@code datacenter} is a name, never a URL.
 */
public record VmInfo(
    String id,
    String name,
    String path,
    String datacenter,
    Integer cpu,
    Long memoryMiB,
    String firmware,
    Boolean secureBoot,
    String guestId,
    String osHint,
    String osVersion,
    String powerState,
    List<DiskInfo> disks,
    List<NicInfo> nics) {

  public VmInfo {
    disks = disks == null ? List.of() : List.copyOf(disks);
    nics = nics == null ? List.of() : List.copyOf(nics);
  }

  /** Memory for the manifest: whole GiB rounded up, never 0 for a VM that has memory. */
  public Integer memGb() {
    if (memoryMiB == null || memoryMiB <= 0) {
      return null;
    }
    return (int) ((memoryMiB + 1023) / 1024);
  }
}
