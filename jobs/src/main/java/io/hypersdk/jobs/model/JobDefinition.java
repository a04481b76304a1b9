package io.hypersdk.jobs.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a job does, as stored and returned: never a secret. {@code connection} names one of the daemon's
 * configured connections; {@code settings} are the job's own provider settings (by the provider's schema,
 * secrets left out). Whether secrets came with the job is said by {@code credentials}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobDefinition(
    String id,
    String name,
    String vmPath,
    String outputDir,
    String format,
    String provider,
    String connection,
    Map<String, String> settings,
    String credentials,
    JobOptions options,
    String createdAt) {

  /** Secret settings were given and are held in the daemon's memory only, for this run. */
  public static final String CREDENTIALS_IN_MEMORY = "in-memory";

  public JobDefinition {
    settings = settings == null ? Map.of() : new TreeMap<>(settings);
  }

  public boolean needsSecret() {
    return CREDENTIALS_IN_MEMORY.equals(credentials);
  }
}
