package io.hypersdk.convert.bootcheck;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.queue.BootCheckReport;

/** A conversion failed by its boot check (mode on); carries the report, whose serial tail explains the reason. */
public final class BootCheckFailedException extends ConversionException {
  private static final long serialVersionUID = 1L;

  private final transient BootCheckReport report;

  public BootCheckFailedException(BootCheckReport report) {
    super(Kind.CONVERSION, "boot check failed: " + report.reason());
    this.report = report;
  }

  public BootCheckReport report() {
    return report;
  }
}
