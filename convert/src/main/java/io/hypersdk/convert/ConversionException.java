package io.hypersdk.convert;

/** A conversion that cannot go on; the message is one line a person can act on. */
public class ConversionException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong, which decides the exit code and the stage named in reports. */
  public enum Kind {
    /** The manifest is not valid. */
    INVALID_MANIFEST,
    /** qemu-img failed or a disk could not be read or written. */
    CONVERSION,
    /** A converted image failed its integrity check. */
    VALIDATION,
    /** A tool is missing, or a folder cannot be written. */
    ENVIRONMENT
  }

  private final Kind kind;

  public ConversionException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public ConversionException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
