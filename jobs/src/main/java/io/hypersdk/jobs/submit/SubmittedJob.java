package io.hypersdk.jobs.submit;

import io.hypersdk.jobs.model.JobDefinition;
import java.util.Map;

/** A valid job as submitted: its definition (no secret) and the secret settings kept apart, by name. */
public record SubmittedJob(JobDefinition definition, Map<String, String> secrets) {
  public SubmittedJob {
    secrets = Map.copyOf(secrets);
  }

  @Override
  public String toString() {
    // A record's default toString would print the secrets.
    return "SubmittedJob[" + definition.id() + "]";
  }
}
