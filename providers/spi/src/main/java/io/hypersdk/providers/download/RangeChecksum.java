package io.hypersdk.providers.download;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.function.Function;
import java.util.zip.CRC32C;

/**
 * How the platform checksums one range ({@code name} is what messages call it). {@link RangedDownload} checks
 * every fetched range that came with a checksum against it, records it in the {@link RangeJournal}, and uses it to
 * tell whether an earlier run's bytes on disk are intact; ranges without one are recorded with their checksum
 * computed here.
 */
public record RangeChecksum(String name, Function<byte[], String> of) {
  /** Base64 of the SHA-256, as EBS sends it ({@code x-amz-Checksum}). */
  public static final RangeChecksum SHA256_BASE64 = new RangeChecksum("SHA-256", d -> base64("SHA-256", d));
  /** Base64 of the MD5, as HTTP's {@code Content-MD5} carries it (Azure Blob Storage). */
  public static final RangeChecksum MD5_BASE64 = new RangeChecksum("MD5", d -> base64("MD5", d));
  /**
   * Base64 of the big-endian CRC32C, as Cloud Storage's {@code x-goog-hash} carries it; also the journal's checksum
   * where the platform sends none, since it only has to catch local damage and costs a fraction of a SHA-256.
   */
  public static final RangeChecksum CRC32C_BASE64 = new RangeChecksum("CRC32C", d -> {
    CRC32C c = new CRC32C();
    c.update(d);
    return crc32cBase64(c);
  });

  /** {@code c}'s value as Cloud Storage writes it: base64 of its four bytes, big-endian. */
  public static String crc32cBase64(CRC32C c) {
    return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) c.getValue()).array());
  }

  private static String base64(String algorithm, byte[] data) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance(algorithm).digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has " + algorithm, e);
    }
  }
}
