package io.hypersdk.convert.daemon;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who a daemon is on a shared queue: host plus instance. It names the daemon's processing folder and
 * heartbeat, and stays the same across restarts so a restarted daemon finds the work it had claimed.
 */
public record DaemonIdentity(String host, String instance, long pid, String version) {

  public String owner() {
    return host + "-" + instance;
  }

  public static DaemonIdentity current(String instance, String version) {
    return new DaemonIdentity(hostName(), instance == null ? "default" : instance, ProcessHandle.current().pid(),
        version);
  }

  private static String hostName() {
    try {
      String fromFile = Files.readString(Path.of("/etc/hostname")).strip();
      if (!fromFile.isEmpty()) {
        return fromFile.replaceAll("[^A-Za-z0-9._-]", "_");
      }
    } catch (Exception ignored) {
      // Fall back to the resolver below.
    }
    try {
      return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "_");
    } catch (Exception e) {
      return "localhost";
    }
  }
}
