package io.hypersdk.manifest;

/** A manifest that cannot be read or is not valid; the message is one line a person can act on. */
public class ManifestException extends Exception {
  private static final long serialVersionUID = 1L;

  public ManifestException(String message) {
    super(message);
  }
}
