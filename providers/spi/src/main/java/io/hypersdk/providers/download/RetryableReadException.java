package io.hypersdk.providers.download;

import io.hypersdk.providers.ProviderException;

/**
 * A range read failed in a way another attempt may fix (a dropped connection, throttling, an expired grant the
 * reader renewed). {@link RangedDownload} retries it with backoff; after the last attempt the download fails with
 * this kind and message. Anything else a reader throws ({@link ProviderException}) fails the download at once.
 */
public final class RetryableReadException extends Exception {
  private static final long serialVersionUID = 1L;
  private final ProviderException.Kind kind;

  public RetryableReadException(ProviderException.Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** The reader's own failure, with the kind and one-line message it already has. */
  public RetryableReadException(ProviderException cause) {
    this(cause.kind(), cause.getMessage(), cause);
  }

  public ProviderException.Kind kind() {
    return kind;
  }
}
