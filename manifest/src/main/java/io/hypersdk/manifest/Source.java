package io.hypersdk.manifest;

/** Where the VM came from. {@code datacenter} is a datacenter name, never a vCenter URL. */
public record Source(
    String provider,
    String vmId,
    String vmName,
    String datacenter,
    String exportTimestamp,
    String exportMethod) {}
