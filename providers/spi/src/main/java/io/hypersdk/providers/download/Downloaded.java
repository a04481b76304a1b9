package io.hypersdk.providers.download;

import java.nio.file.Path;

/**
 * A finished download: the file under its final name, its size, its SHA-256 ({@code sha256:HEX}, as the manifest
 * has it) and how many ranges were reused from an interrupted run instead of read again.
 */
public record Downloaded(Path path, long bytes, String sha256, int reusedRanges) {}
