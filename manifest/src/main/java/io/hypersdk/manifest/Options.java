package io.hypersdk.manifest;

/** Run options of the converter. */
public record Options(Boolean dryRun, Boolean verbose, Report report) {

  /** Whether and where the converter writes a report. */
  public record Report(Boolean enabled, String path) {}

  public boolean isDryRun() {
    return Boolean.TRUE.equals(dryRun);
  }
}
