package io.hypersdk.manifest;

/** One network interface of the source VM. */
public record Nic(String id, String mac, String network) {}
