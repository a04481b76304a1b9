package io.hypersdk.pipeline.steps;

import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.Disk;
import io.hypersdk.pipeline.ExecutionMode;
import io.hypersdk.pipeline.systemd.SystemdUnits;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Whether the daemon found through systemd can read the exported disks. Its unit may give it a /tmp of its
 * own (PrivateTmp=) and hide /home (ProtectHome=), as the shipped units do; a manifest pointing there would
 * fail in the daemon as "file does not exist". Such an export is converted in direct mode instead, with the
 * reason. A daemon found by its heartbeat runs elsewhere, so nothing is known of its view and nothing is
 * changed.
 */
public final class CheckDaemonAccessStep {
  private static final List<Path> TMP = List.of(Path.of("/tmp"), Path.of("/var/tmp"));
  private static final List<Path> HOME = List.of(Path.of("/home"), Path.of("/root"), Path.of("/run/user"));

  private final SystemdUnits systemd;

  public CheckDaemonAccessStep(SystemdUnits systemd) {
    this.systemd = systemd;
  }

  public ExecutionMode run(ExecutionMode mode, ArtifactManifest manifest) throws InterruptedException {
    if (!mode.isDaemon() || mode.service() == null) {
      return mode;
    }
    Map<String, String> unit = systemd.properties(mode.service(), "PrivateTmp", "ProtectHome");
    boolean privateTmp = "yes".equals(unit.get("PrivateTmp"));
    String protectHome = unit.getOrDefault("ProtectHome", "no");
    boolean hiddenHome = protectHome.equals("yes") || protectHome.equals("tmpfs");
    for (Disk d : manifest.disks()) {
      Path p = Path.of(d.localPath()).toAbsolutePath().normalize();
      if (privateTmp && under(p, TMP)) {
        return unreadable(mode, p, "PrivateTmp=yes gives it a /tmp and /var/tmp of its own");
      }
      if (hiddenHome && under(p, HOME)) {
        return unreadable(mode, p, "ProtectHome=" + protectHome + " hides /home, /root and /run/user from it");
      }
    }
    return mode;
  }

  private static boolean under(Path p, List<Path> roots) {
    return roots.stream().anyMatch(p::startsWith);
  }

  private static ExecutionMode unreadable(ExecutionMode mode, Path disk, String why) {
    return ExecutionMode.direct(mode.service() + " cannot read " + disk + ": its unit's " + why
        + "; using direct mode (export outside /tmp, /var/tmp and home folders, e.g. under /srv, to use the daemon)");
  }
}
