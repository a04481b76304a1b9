package io.hypersdk.convert.domain;

/**
 * The disk bus and NIC model of a domain, and why they were chosen: virtio where the guest has the drivers,
 * SATA and e1000e (which every x86 guest drives) otherwise.
 */
public record DeviceModels(String diskBus, String nicModel, String reason) {
  /** virtio disks and NICs. */
  public static DeviceModels virtio(String reason) {
    return new DeviceModels("virtio", "virtio", reason);
  }

  /** SATA disks and e1000e NICs, for guests without virtio drivers. */
  public static DeviceModels fallback(String reason) {
    return new DeviceModels("sata", "e1000e", reason);
  }

  /** What the domain uses when the fix stage did not look at the guest: it goes by the manifest's os_hint. */
  public static DeviceModels unchecked(boolean windows) {
    return windows
        ? fallback("Windows guest: disks on SATA and NICs as e1000e, since virtio drivers may be missing")
        : virtio("virtio disk and NIC (the guest was not inspected: fix stage off)");
  }

  /** One line for reports: "disk bus virtio, NIC virtio: ...". */
  public String describe() {
    return "disk bus " + diskBus + ", NIC " + nicModel + ": " + reason;
  }
}
