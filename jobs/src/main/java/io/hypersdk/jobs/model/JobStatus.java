package io.hypersdk.jobs.model;

import java.util.Locale;

/** A job's state, spelled as HyperSDK clients expect it. */
public enum JobStatus {
  PENDING, RUNNING, COMPLETED, FAILED, CANCELLED;

  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isFinal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }

  /** The status named {@code value}, or null when there is none. */
  public static JobStatus parse(String value) {
    for (JobStatus s : values()) {
      if (s.value().equals(value)) {
        return s;
      }
    }
    return null;
  }
}
