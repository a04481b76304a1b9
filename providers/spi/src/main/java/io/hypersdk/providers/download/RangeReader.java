package io.hypersdk.providers.download;

import io.hypersdk.providers.ProviderException;

/**
 * Reads one range of the source disk; the one thing a provider implements to use {@link RangedDownload}. Called
 * from the download's thread pool, several ranges at once, so it must be thread-safe.
 *
 * <p>A failure another attempt may fix is a {@link RetryableReadException} (the download retries it with backoff);
 * a {@link ProviderException} fails the download at once. Renewing an expired grant (e.g. an Azure SAS) is the
 * reader's job: renew, then throw {@link RetryableReadException} or read again itself.
 */
@FunctionalInterface
public interface RangeReader {
  /**
   * The bytes of {@code range}, with the checksum the platform sent for them if it sends one. {@code earlier} is
   * what an interrupted run left on disk for this range; a reader whose platform announces a checksum before the
   * body (EBS's response header) may return {@link Chunk#unchanged()} once {@link Earlier#holds} confirmed it, and
   * drop the body unread.
   */
  Chunk read(DiskRange range, Earlier earlier) throws ProviderException, RetryableReadException,
      InterruptedException;

  /** What an interrupted run wrote for one range, checked before it is reused. */
  interface Earlier {
    /** True when the earlier run recorded {@code checksum} for this range and the bytes on disk still have it. */
    boolean holds(String checksum);

    /**
     * True when the earlier run wrote this range and its bytes on disk still have the checksum it recorded; for
     * sources whose content is pinned for the whole download (see {@link RangedDownload.Builder#source}).
     */
    boolean intact();
  }

  /**
   * The bytes read for a range and the platform's checksum for them (null when it sends none), or the marker
   * {@link #unchanged()}.
   */
  record Chunk(byte[] data, String checksum) {
    private static final Chunk UNCHANGED = new Chunk(new byte[0], null);

    /** Use the earlier run's bytes for this range: only after {@link Earlier#holds} or {@link Earlier#intact}. */
    public static Chunk unchanged() {
      return UNCHANGED;
    }

    boolean isUnchanged() {
      return this == UNCHANGED;
    }
  }
}
