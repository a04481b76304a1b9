package io.hypersdk.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.queue.DaemonConfig;
import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The packaged units: systemd accepts them, and they say what the daemons need. */
class SystemdUnitsIT {
  private static final List<String> HARDENING = List.of("NoNewPrivileges=yes", "ProtectSystem=strict",
      "ProtectHome=yes", "PrivateTmp=yes", "ProtectKernelTunables=yes", "ProtectControlGroups=yes",
      "RestrictSUIDSGID=yes", "LockPersonality=yes", "ProtectProc=invisible", "SystemCallFilter=@system-service",
      "Restart=on-failure", "RestartPreventExitStatus=78",
      "KillMode=mixed");

  /** Each key's values, in order, from a unit file (comments and sections dropped). */
  private static Map<String, List<String>> unit(String name) throws IOException {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    for (String line : Files.readAllLines(BuiltPackages.staged("/lib/systemd/system/" + name))) {
      int eq = line.indexOf('=');
      if (!line.startsWith("#") && eq > 0) {
        keys.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
      }
    }
    return keys;
  }

  private static String one(Map<String, List<String>> unit, String key) {
    assertThat(unit.get(key)).as(key).hasSize(1);
    return unit.get(key).get(0);
  }

  @Test
  void systemdAnalyzeVerifiesEveryUnitAgainstThePackagesFiles() {
    Tools.require("systemd-analyze", "systemd");
    Path root = BuiltPackages.stagedRoot();
    // The system's own units (targets the services are wanted by) beside the package's files.
    if (!Files.isDirectory(root.resolve("usr/lib/systemd/system"))) {
      Tools.run(List.of("mkdir", "-p", root.resolve("usr/lib/systemd").toString()));
      Tools.run(List.of("cp", "-a", "/usr/lib/systemd/system", root.resolve("usr/lib/systemd").toString()));
    }
    for (String unit : List.of("hyper2kvm.service", "hyper2kvm@example.service", "hypervisord.service")) {
      // MANPATH: Documentation=man:... is checked against the package's pages.
      Tools.Outcome verify = Tools.exec(List.of("env", "MANPATH=" + root.resolve("usr/share/man"),
          "systemd-analyze", "verify", "--root=" + root, unit));
      assertThat(verify.exitCode()).as(unit + ": " + verify.output()).isZero();
      assertThat(verify.output()).as(unit).isBlank();
    }
  }

  @Test
  void everyServiceIsHardenedAndRestartsOnlyWhenThatCanHelp() throws IOException {
    for (String name : BuiltPackages.UNITS) {
      Map<String, List<String>> unit = unit(name);
      for (String setting : HARDENING) {
        String[] kv = setting.split("=", 2);
        assertThat(unit.get(kv[0])).as(name + " " + kv[0]).containsExactly(kv[1]);
      }
      assertThat(unit).as(name).containsKeys("MemoryMax", "CPUWeight", "ReadWritePaths")
          .doesNotContainKey("MemoryDenyWriteExecute");
      assertThat(one(unit, "Type")).isEqualTo("exec");
      assertThat(one(unit, "WantedBy")).isEqualTo("multi-user.target");
    }
  }

  @Test
  void queueDaemonUnitsWriteExactlyTheConfiguredDirsAndOutlastTheDrain() throws Exception {
    DaemonConfig shipped = DaemonConfig.resolve(DaemonConfig.readFile(
        BuiltPackages.staged("/etc/hyper2kvm/hyper2kvm.conf"), true), null, null, null, null);
    DaemonConfig defaults = BuiltPackages.daemonDefaults();
    for (String name : List.of("hyper2kvm.service", "hyper2kvm@.service")) {
      Map<String, List<String>> unit = unit(name);
      assertThat(one(unit, "User")).isEqualTo("hyper2kvm");
      assertThat(one(unit, "SyslogIdentifier")).isEqualTo("hyper2kvm");
      assertThat(one(unit, "ReadWritePaths").split(" ")).containsExactly(shipped.watchDir().toString(),
          shipped.outputDir().toString(), shipped.workdir().toString());
      // An instance without dirs of its own serves the default queue, inside the same paths.
      assertThat(defaults.watchDir()).isEqualTo(shipped.watchDir());
      assertThat(defaults.workdir().startsWith(shipped.outputDir())).isTrue();
      // The daemon drains for stop_timeout_seconds, then gives the rest 30 s to stop; systemd must wait longer.
      assertThat(Integer.parseInt(one(unit, "TimeoutStopSec"))).isGreaterThan(defaults.stopTimeoutSeconds() + 30);
    }
    assertThat(one(unit("hyper2kvm.service"), "ExecStart"))
        .isEqualTo("/usr/bin/hyperconvert daemon --config /etc/hyper2kvm/hyper2kvm.conf");
    assertThat(one(unit("hyper2kvm@.service"), "ExecStart"))
        .isEqualTo("/usr/bin/hyperconvert daemon --instance %i --config /etc/hyper2kvm/%i.yaml");
    assertThat(one(unit("hyper2kvm@.service"), "ExecStartPost"))
        .isEqualTo("/usr/lib/hypersdk/hyper2kvm-wait-ready /etc/hyper2kvm/%i.yaml");
  }

  @Test
  void queueDaemonsReachKvmThroughAPrivateDevAndStayAsStrictAsBefore(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws IOException {
    Tools.require("systemd-analyze", "systemd");
    for (String name : List.of("hyper2kvm.service", "hyper2kvm@.service")) {
      Map<String, List<String>> unit = unit(name);
      // qemu (the fix stage's libguestfs, the boot check) uses /dev/kvm where it exists; nothing else of /dev.
      assertThat(one(unit, "PrivateDevices")).isEqualTo("yes");
      assertThat(one(unit, "BindPaths")).isEqualTo("-/dev/kvm");
      assertThat(one(unit, "DeviceAllow")).isEqualTo("/dev/kvm rw");
      // Group kvm comes from the user database (hypersdk-setup), so a host without the group still starts it.
      assertThat(unit).doesNotContainKey("SupplementaryGroups");
      assertThat(one(unit, "CacheDirectory")).isEqualTo("hyper2kvm");
      Path copy = Files.copy(BuiltPackages.staged("/lib/systemd/system/" + name),
          tmp.resolve(name.replace("@.", "@example.")));
      // 1.7 before KVM access was added, and still: --threshold is the exposure times ten.
      Tools.Outcome security = Tools.exec(List.of("systemd-analyze", "security", "--offline=true", "--threshold=17",
          copy.toString()));
      assertThat(security.exitCode()).as(name + ": " + security.output()).isZero();
    }
  }

  @Test
  void hypervisordRunsAsHypersdkInGroupHyper2kvmWithThePackagedConfig() throws IOException {
    Map<String, List<String>> unit = unit("hypervisord.service");
    assertThat(one(unit, "User")).isEqualTo("hypersdk");
    assertThat(one(unit, "Group")).isEqualTo("hyper2kvm");
    assertThat(one(unit, "ExecStart")).isEqualTo("/usr/bin/hypervisord --config /etc/hypersdk/hypervisord.yaml");
    assertThat(one(unit, "ReadWritePaths").split(" ")).contains("/var/lib/hypervisord",
        "/var/lib/hyper2kvm/queue", "/var/lib/hyper2kvm/output");
  }
}
