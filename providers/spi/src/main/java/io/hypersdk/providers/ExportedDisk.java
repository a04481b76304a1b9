package io.hypersdk.providers;

/** A disk written by an export, with the sha256 computed while it was written. */
public record ExportedDisk(String id, String path, String format, long bytes, String sha256, int bootOrderHint,
    String label) {}
