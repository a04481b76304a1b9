package io.hypersdk.queue;

/** What one converter stage did: {@code done}, {@code skipped} (disabled) or {@code unsupported}. */
public record StageReport(String stage, String status, String message) {
  public static StageReport done(String stage, String message) {
    return new StageReport(stage, "done", message);
  }

  public static StageReport skipped(String stage, String message) {
    return new StageReport(stage, "skipped", message);
  }

  public static StageReport unsupported(String stage, String message) {
    return new StageReport(stage, "unsupported", message);
  }
}
