package io.hypersdk.queue;

/**
 * One file a conversion produced under its final name. {@code converter} says what wrote a disk
 * ({@link #CONVERTER_NATIVE} or {@link #CONVERTER_QEMU_IMG}); null for other files and in older results.
 */
public record OutputFile(String role, String diskId, String path, String format, long bytes, String sha256,
    String converter) {
  public static final String ROLE_DISK = "disk";
  public static final String ROLE_DOMAIN = "domain";
  public static final String CONVERTER_NATIVE = "native";
  public static final String CONVERTER_QEMU_IMG = "qemu-img";

  /** A file no converter wrote (the domain XML), or a disk from a result that predates the field. */
  public OutputFile(String role, String diskId, String path, String format, long bytes, String sha256) {
    this(role, diskId, path, format, bytes, sha256, null);
  }
}
