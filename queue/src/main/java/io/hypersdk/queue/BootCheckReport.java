package io.hypersdk.queue;

import java.util.List;

/**
 * How the boot check went: {@code status} is passed, failed or skipped, {@code reason} one line saying why,
 * {@code bootSeconds} the time until the guest was up (null when it never was), {@code accel} kvm or tcg, and
 * {@code serialTail} the last lines of its serial console.
 */
public record BootCheckReport(String status, String reason, Double bootSeconds, String accel, List<String> serialTail) {
  public static final String PASSED = "passed";
  public static final String FAILED = "failed";
  public static final String SKIPPED = "skipped";

  public BootCheckReport {
    serialTail = serialTail == null ? List.of() : List.copyOf(serialTail);
  }
}
