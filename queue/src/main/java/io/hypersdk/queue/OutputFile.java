package io.hypersdk.queue;

/** One file a conversion produced under its final name. */
public record OutputFile(String role, String diskId, String path, String format, long bytes, String sha256) {
  public static final String ROLE_DISK = "disk";
  public static final String ROLE_DOMAIN = "domain";
}
