package io.hypersdk.jobs.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Where a job is: the phase, percent, bytes exported so far and, while exporting, an estimate of the rest. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobProgress(String phase, double percentComplete, long bytesTransferred, long totalBytes,
    Long estimatedRemainingSeconds) {

  public static JobProgress phase(String phase, double percent) {
    return new JobProgress(phase, percent, 0, 0, null);
  }
}
