package io.hypersdk.providers;

/** A VM network interface. */
public record NicInfo(String id, String mac, String network) {}
