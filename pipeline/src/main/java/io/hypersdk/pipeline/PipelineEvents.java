package io.hypersdk.pipeline;

/** What the pipeline tells its caller while it runs. */
public interface PipelineEvents {
  PipelineEvents NONE = new PipelineEvents() {};

  /** A step's progress, in words. */
  default void info(String message) {}

  /** Something the operator should know; also collected in the result. */
  default void warning(String message) {}

  /** A line the converter printed (direct mode). */
  default void converterOutput(String line) {}
}
