package io.hypersdk.pipeline;

/** The pipeline cannot go on; the message is one line a person can act on. */
public class PipelineException extends Exception {
  private static final long serialVersionUID = 1L;

  public PipelineException(String message) {
    super(message);
  }
}
