package io.hypersdk.apps.hyperctl.client;

/** A request hypervisord could not serve, or a connection that failed, said in one line for a person. */
public final class HypervisordException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int status;

  public HypervisordException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status, or 0 when no answer came (unreachable, bad settings). */
  public int status() {
    return status;
  }
}
