package io.hypersdk.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 in the manifest's {@code sha256:<64 lowercase hex>} notation. */
public final class Sha256 {
  public static final String PREFIX = "sha256:";
  private static final int BUFFER = 1 << 20;

  private Sha256() {}

  /** A fresh digest; every JVM must provide SHA-256. */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java runtime has no SHA-256", e);
    }
  }

  /** Hashes a file and returns {@code sha256:<hex>}. */
  public static String ofFile(Path file) throws IOException {
    MessageDigest digest = newDigest();
    byte[] buffer = new byte[BUFFER];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return format(digest);
  }

  /** Formats a finished digest as {@code sha256:<hex>}. */
  public static String format(MessageDigest digest) {
    return PREFIX + HexFormat.of().formatHex(digest.digest());
  }
}
