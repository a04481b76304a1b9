package io.hypersdk.jobs.store;

/** The job store cannot be read or written (disk full, file damaged); the daemon cannot go on normally. */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
