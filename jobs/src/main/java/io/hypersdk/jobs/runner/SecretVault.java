package io.hypersdk.jobs.runner;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Secret settings given with jobs (e.g. a vCenter password), in this process's memory only and only until the
 * job ends: they are never written to the store, a log or a response. A restart loses them, which is why a
 * pending job that needed one fails then instead of running without it.
 */
public final class SecretVault {
  private final Map<String, Map<String, char[]>> secrets = new ConcurrentHashMap<>();

  public void put(String jobId, Map<String, String> values) {
    Map<String, char[]> held = new HashMap<>();
    values.forEach((k, v) -> held.put(k, v.toCharArray()));
    secrets.put(jobId, held);
  }

  /** The job's secrets by setting name; empty when none were given or they were lost. */
  public Map<String, String> get(String jobId) {
    Map<String, String> out = new HashMap<>();
    secrets.getOrDefault(jobId, Map.of()).forEach((k, v) -> out.put(k, new String(v)));
    return out;
  }

  public boolean has(String jobId) {
    return secrets.containsKey(jobId);
  }

  /** Forgets the job's secrets, overwriting the copies held. */
  public void forget(String jobId) {
    Map<String, char[]> held = secrets.remove(jobId);
    if (held != null) {
      held.values().forEach(v -> Arrays.fill(v, '\0'));
    }
  }
}
