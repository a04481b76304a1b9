package io.hypersdk.apps.hyperctl.client;

/** A request hypervisord could not serve, or a connection that failed, said in one line for a person. */
public final class HypervisordException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String reason;

  public HypervisordException(int status, String message) {
    this(status, message, message);
  }

  /** {@code reason} is hypervisord's own error line, without the status that {@code message} adds. */
  public HypervisordException(int status, String message, String reason) {
    super(message);
    this.status = status;
    this.reason = reason;
  }

  /** hypervisord's own error line when it gave one (for screens too narrow for the status), else the message. */
  public String reason() {
    return reason;
  }

  /** The HTTP status, or 0 when no answer came (unreachable, bad settings). */
  public int status() {
    return status;
  }
}
