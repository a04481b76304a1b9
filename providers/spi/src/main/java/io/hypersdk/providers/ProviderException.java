package io.hypersdk.providers;

/** A provider operation that failed; the message is one line a person can act on. */
public class ProviderException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What kind of failure, which decides the exit code. */
  public enum Kind {
    INVALID_REQUEST,
    NOT_FOUND,
    EXPORT_FAILED,
    /** The platform refused the credentials (wrong, expired, or for another account). */
    CREDENTIALS,
    /** The credentials lack a permission; the message names it. */
    PERMISSION,
    /** A quota or limit of the platform was reached (e.g. too many snapshots). */
    QUOTA,
    /** The platform's endpoint could not be reached, or the connection dropped and retries did not help. */
    NETWORK,
    /** The VM is in another region or zone than the one the settings name; the message names where it is. */
    REGION_MISMATCH,
    /** A setting this action needs was not given; the message names its flag (a usage error). */
    MISSING_SETTING,
    /**
     * Something besides the VM that the export needs on the platform is missing (e.g. the staging bucket); the
     * message says what to create.
     */
    ENVIRONMENT
  }

  private final Kind kind;

  public ProviderException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public ProviderException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
