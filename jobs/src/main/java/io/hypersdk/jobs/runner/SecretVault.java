package io.hypersdk.jobs.runner;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Passwords given with jobs, in this process's memory only and only until the job ends: they are never
 * written to the store, a log or a response. A restart loses them, which is why a pending job that needed
 * one fails then instead of running without it.
 */
public final class SecretVault {
  private final Map<String, char[]> passwords = new ConcurrentHashMap<>();

  public void put(String jobId, String password) {
    passwords.put(jobId, password.toCharArray());
  }

  public Optional<String> get(String jobId) {
    char[] p = passwords.get(jobId);
    return p == null ? Optional.empty() : Optional.of(new String(p));
  }

  /** Forgets the job's password, overwriting the copy held. */
  public void forget(String jobId) {
    char[] p = passwords.remove(jobId);
    if (p != null) {
      java.util.Arrays.fill(p, '\0');
    }
  }
}
