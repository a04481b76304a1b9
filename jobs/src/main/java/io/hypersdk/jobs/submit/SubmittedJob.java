package io.hypersdk.jobs.submit;

import io.hypersdk.jobs.model.JobDefinition;

/** A valid job as submitted: its definition (no password) and the password kept apart, or null. */
public record SubmittedJob(JobDefinition definition, String password) {
  @Override
  public String toString() {
    // A record's default toString would print the password.
    return "SubmittedJob[" + definition.id() + "]";
  }
}
