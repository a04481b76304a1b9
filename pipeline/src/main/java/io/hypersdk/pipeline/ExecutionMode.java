package io.hypersdk.pipeline;

/** How the conversion ran, and why that way. */
public record ExecutionMode(String mode, String reason, String service, String heartbeat) {
  public static final String DIRECT = "direct";
  public static final String DAEMON = "daemon";

  public boolean isDaemon() {
    return DAEMON.equals(mode);
  }

  public static ExecutionMode direct(String reason) {
    return new ExecutionMode(DIRECT, reason, null, null);
  }
}
