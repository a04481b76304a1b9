package io.hypersdk.jobs.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a job does, as stored and returned: never a password. {@code vcenter} keeps only the server and the
 * user name; whether a password came with the job is said by {@code credentials}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobDefinition(
    String id,
    String name,
    String vmPath,
    String outputDir,
    String format,
    String provider,
    Connection vcenter,
    String credentials,
    JobOptions options,
    String createdAt) {

  /** A password was given and is held in the daemon's memory only, for this run. */
  public static final String CREDENTIALS_IN_MEMORY = "in-memory";

  /** Where the provider is and who logs in; the password is never part of it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Connection(String server, String username, Boolean insecure) {}

  public boolean needsSecret() {
    return CREDENTIALS_IN_MEMORY.equals(credentials);
  }
}
