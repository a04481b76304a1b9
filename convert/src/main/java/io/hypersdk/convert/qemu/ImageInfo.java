package io.hypersdk.convert.qemu;

/** What qemu-img reports about an image. */
public record ImageInfo(String format, long virtualSize, long actualSize) {}
