package io.hypersdk.pipeline;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The state a pipeline's conversion job was left in, with the spelling results and the API use
 * ({@code "dry-run"}, {@code "not submitted"}).
 */
public enum JobOutcome {
  COMPLETED("completed"),
  FAILED("failed"),
  DRY_RUN("dry-run"),
  /** Timed out or interrupted; the manifest was taken back from the queue before any daemon took it. */
  WITHDRAWN("withdrawn"),
  /** Timed out or interrupted after a daemon took the manifest: the job may still finish. */
  CLAIMED("claimed"),
  /** Timed out or interrupted, and the manifest could not be taken back: it is still in the queue. */
  QUEUED("queued"),
  /** The pipeline failed before submitting (folders, job id). */
  NOT_SUBMITTED("not submitted");

  private final String wireName;

  JobOutcome(String wireName) {
    this.wireName = wireName;
  }

  /** The spelling in JSON and in what the tools print. */
  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** Whether the wait for a daemon ended before the job did (withdrawn, claimed or still queued). */
  public boolean waitEnded() {
    return this == WITHDRAWN || this == CLAIMED || this == QUEUED;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
