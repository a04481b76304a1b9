package io.hypersdk.apps.hyperctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.SystemctlStandIn;
import io.hypersdk.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hyperctl daemon status} against a systemctl stand-in and a real {@code hyperconvert daemon}: each systemd
 * state, a fresh heartbeat making an inactive unit active, a stale one not, the JSON fields and exit codes.
 */
@Timeout(180)
class DaemonStatusTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String UNIT = "hyper2kvm@demo.service";

  @TempDir
  Path work;
  Path configDir;
  Path watch;
  Path output;
  SystemctlStandIn systemctl;

  @BeforeEach
  void setUp() throws Exception {
    configDir = Files.createDirectories(work.resolve("etc-hyper2kvm"));
    watch = Files.createDirectories(work.resolve("queue"));
    output = Files.createDirectories(work.resolve("converted"));
    QueueDaemon.writeConfig(configDir, "demo", watch, output);
    systemctl = SystemctlStandIn.create(work);
  }

  private Ctl.Result status(String... more) throws Exception {
    return Ctl.process(work, Map.of("HYPER2KVM_CONFIG_DIR", configDir.toString()), systemctl.bin(),
        Stream.concat(Stream.of("daemon", "status", "--instance", "demo"), Stream.of(more)).toArray(String[]::new));
  }

  @Test
  void systemdStatesDecideTheExitCodeWhenNoDaemonHeartbeats() throws Exception {
    systemctl.unit(UNIT, "active", "running", 4242);
    Ctl.Result active = status();
    assertThat(active.exit()).as(active.all()).isEqualTo(0);
    assertThat(active.out()).startsWith(UNIT + ": active (systemd)").contains("systemd:     active (running)")
        .contains("main pid:    4242").contains("since:       Thu 2026-11-26 08:00:00 UTC")
        .contains("watch dir:   " + watch).contains("output dir:  " + output)
        .contains("queue:       0 pending, 0 processing, 0 processed, 0 failed").contains("heartbeat:   none");

    systemctl.unit(UNIT, "inactive", "dead", 0);
    Ctl.Result inactive = status();
    assertThat(inactive.exit()).as(inactive.all()).isEqualTo(3);
    assertThat(inactive.out()).startsWith(UNIT + ": inactive").contains("systemd:     inactive (dead)")
        .doesNotContain("main pid");

    systemctl.unit(UNIT, "failed", "failed", 0);
    Ctl.Result failed = status();
    assertThat(failed.exit()).isEqualTo(3);
    assertThat(failed.out()).startsWith(UNIT + ": failed");

    systemctl.notInstalled(UNIT);
    Ctl.Result missing = status();
    assertThat(missing.exit()).isEqualTo(3);
    assertThat(missing.out()).startsWith(UNIT + ": not installed").contains("found by:    config");

    systemctl.notBooted();
    Ctl.Result notBooted = status();
    assertThat(notBooted.exit()).isEqualTo(3);
    assertThat(notBooted.out()).contains("systemd:     systemd not available (system has not been booted with systemd)");

    // No systemctl at all: PATH holds only an empty folder (java itself is started by its full path).
    Path empty = Files.createDirectories(work.resolve("empty-bin"));
    Ctl.Result none = Ctl.process(work, Map.of("HYPER2KVM_CONFIG_DIR", configDir.toString(), "PATH", empty.toString()),
        null, "daemon", "status", "--instance", "demo");
    assertThat(none.exit()).as(none.all()).isEqualTo(3);
    assertThat(none.out()).contains("systemd:     systemd not available (no systemctl on PATH)");
    assertThat(none.err()).isEmpty();
  }

  @Test
  void aFreshHeartbeatMeansActiveThoughSystemdSaysInactiveAndAStaleOneDoesNot() throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    systemctl.unit(UNIT, "inactive", "dead", 0);
    QueueDaemon daemon = QueueDaemon.startInstance(configDir, "demo", work.resolve("logs"));
    Path beatFile;
    try (daemon) {
      Ctl.Result r = status("--json");
      assertThat(r.exit()).as(r.all()).isEqualTo(0);
      JsonNode j = JSON.readTree(r.out());
      assertThat(j.path("name").asText()).isEqualTo("demo");
      assertThat(j.path("service").asText()).isEqualTo(UNIT);
      assertThat(j.path("active").asBoolean()).isTrue();
      assertThat(j.path("active_reason").asText()).contains("heartbeat").contains("pid " + daemon.pid());
      assertThat(j.path("systemd").path("state").asText()).isEqualTo("inactive");
      assertThat(j.path("systemd").path("available").asBoolean()).isTrue();
      assertThat(j.path("heartbeat").path("fresh").asBoolean()).isTrue();
      assertThat(j.path("heartbeat").path("pid").asLong()).isEqualTo(daemon.pid());
      assertThat(j.path("heartbeat").path("host").asText()).isNotEmpty();
      assertThat(j.path("heartbeat").path("version").asText()).isNotEmpty();
      assertThat(j.path("heartbeat").path("age_seconds").asDouble()).isBetween(0.0, 10.0);
      assertThat(j.path("watch_dir").asText()).isEqualTo(watch.toString());
      assertThat(j.path("output_dir").asText()).isEqualTo(output.toString());
      assertThat(j.path("config_file").asText()).isEqualTo(configDir.resolve("demo.yaml").toString());
      assertThat(j.path("queue").path("pending").asLong()).isZero();
      assertThat(j.path("queue").has("processing")).isTrue();
      assertThat(j.path("sources")).extracting(JsonNode::asText).containsExactly("config", "heartbeat");

      Ctl.Result text = status();
      assertThat(text.out()).startsWith(UNIT + ": active (heartbeat)").contains("pid " + daemon.pid())
          .contains("found by:    config, heartbeat");
      try (Stream<Path> beats = Files.list(watch.resolve(".heartbeat"))) {
        beatFile = beats.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
      }
      assertThat(daemon.term()).isZero();
    }

    // A clean stop leaves the heartbeat "stopped": not active.
    Ctl.Result stopped = status();
    assertThat(stopped.exit()).as(stopped.all()).isEqualTo(3);
    assertThat(stopped.out()).contains("stopped");

    // A daemon killed long ago leaves "running" with an old update time: stale, not active.
    ObjectNode beat = (ObjectNode) JSON.readTree(beatFile.toFile());
    beat.put("state", "running").put("updated_at", Instant.now().minusSeconds(600).toString());
    Files.writeString(beatFile, beat.toString());
    Ctl.Result stale = status();
    assertThat(stale.exit()).as(stale.all()).isEqualTo(3);
    assertThat(stale.out()).contains("(stale)").startsWith(UNIT + ": inactive");
  }

  @Test
  void usageErrorsExitTwoAndHelpListsTheExitCodes() {
    Ctl.Result bad = Ctl.run("daemon", "status", "--bogus");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).startsWith("hyperctl: Unknown option: '--bogus'");
    assertThat(bad.err().lines().toList()).hasSize(2);
    Ctl.Result badName = Ctl.run("daemon", "status", "--instance", "../etc");
    assertThat(badName.exit()).isEqualTo(2);
    assertThat(badName.err()).startsWith("hyperctl: --instance '../etc' may only contain");

    Ctl.Result help = Ctl.run("daemon", "status", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("Exit codes:").contains("0   active").contains("3   not active");
    assertThat(List.of("list", "queue")).allSatisfy(c ->
        assertThat(Ctl.run("daemon", c, "--help").out()).contains("Exit codes:"));
  }
}
