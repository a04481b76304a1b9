package io.hypersdk.jobs.model;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Something that happened to a job, as streamed to event clients: {@code data} is the job (a snapshot), the
 * new status, the progress or the log line, as {@code type} says.
 */
public record JobEvent(Type type, String jobId, String at, Object data) {

  /** What an event carries; its lower-case name is the server-sent event's name and the JSON value. */
  public enum Type {
    JOB,
    STATUS,
    PROGRESS,
    LOG;

    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
