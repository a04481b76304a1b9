package io.hypersdk.queue;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a queued job stands. Only {@link #COMPLETED} and {@link #FAILED} are final. */
public enum JobState {
  /** A daemon has claimed the manifest and is converting it. */
  RUNNING,
  COMPLETED,
  FAILED;

  @JsonValue
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isFinal() {
    return this != RUNNING;
  }
}
