package io.hypersdk.diskimage;

import java.io.IOException;

/** A source image that contradicts its format: says where (byte offset in the source) and what was wrong. */
public class MalformedImageException extends IOException {
  private static final long serialVersionUID = 1L;
  private final long offset;
  private final String problem;

  public MalformedImageException(SourceFormat format, long offset, String problem) {
    this("malformed " + format.description() + " at byte " + offset + ": " + problem, offset, problem);
  }

  /** For subclasses whose message does not call the image malformed. */
  protected MalformedImageException(String message, long offset, String problem) {
    super(message);
    this.offset = offset;
    this.problem = problem;
  }

  /** The byte offset in the source where the problem was found. */
  public long offset() {
    return offset;
  }

  /** What was wrong, without the offset. */
  public String problem() {
    return problem;
  }
}
