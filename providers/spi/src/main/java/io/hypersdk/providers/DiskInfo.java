package io.hypersdk.providers;

/** A VM disk as the source describes it, in controller order (the boot disk first). */
public record DiskInfo(String id, String label, long capacityBytes, String file) {}
