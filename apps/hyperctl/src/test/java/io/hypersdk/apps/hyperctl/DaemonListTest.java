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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hyperctl daemon list} finds instances from each source and says how: systemd units (loaded or only
 * installed, never the template), config files, a real daemon's heartbeat, and a heartbeat-only daemon.
 */
@Timeout(180)
class DaemonListTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path work;

  @Test
  void listsInstancesFromSystemdConfigFilesAndHeartbeats() throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    Path configDir = Files.createDirectories(work.resolve("etc-hyper2kvm"));
    Path q1 = Files.createDirectories(work.resolve("q1"));
    Path q2 = Files.createDirectories(work.resolve("q2"));
    QueueDaemon.writeConfig(configDir, "both", q1, Files.createDirectories(work.resolve("out1")));
    QueueDaemon.writeConfig(configDir, "cfgonly", q2, Files.createDirectories(work.resolve("out2")));
    SystemctlStandIn systemctl = SystemctlStandIn.create(work);
    systemctl.listUnits(
        "hyper2kvm@both.service loaded active running hyper2kvm conversion daemon (both)",
        "● hyper2kvm@gone.service not-found inactive dead hyper2kvm@gone.service");
    systemctl.listUnitFiles(
        "hyper2kvm@.service static -",
        "hyper2kvm@both.service enabled enabled",
        "hyper2kvm@sysonly.service disabled enabled");
    systemctl.unit("hyper2kvm@both.service", "active", "running", 777);
    systemctl.unit("hyper2kvm@sysonly.service", "inactive", "dead", 0);

    try (QueueDaemon daemon = QueueDaemon.startInstance(configDir, "cfgonly", work.resolve("logs"))) {
      // A daemon on another host sharing q2: only its heartbeat is here.
      Path own;
      try (Stream<Path> beats = Files.list(q2.resolve(".heartbeat"))) {
        own = beats.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
      }
      ObjectNode remote = (ObjectNode) JSON.readTree(own.toFile());
      remote.put("owner", "otherhost-remote").put("instance", "remote").put("host", "otherhost")
          .put("updated_at", Instant.now().toString()).put("interval_seconds", 60);
      Files.writeString(q2.resolve(".heartbeat/otherhost-remote.json"), remote.toString());

      Map<String, String> env = Map.of("HYPER2KVM_CONFIG_DIR", configDir.toString());
      Ctl.Result json = Ctl.process(work, env, systemctl.bin(), "daemon", "list", "--json");
      assertThat(json.exit()).as(json.all()).isZero();
      Map<String, JsonNode> byName = new LinkedHashMap<>();
      JSON.readTree(json.out()).forEach(i -> byName.put(i.path("name").asText(), i));
      assertThat(byName.keySet()).containsExactlyInAnyOrder("both", "cfgonly", "gone", "sysonly", "remote");
      assertThat(sources(byName.get("both"))).containsExactly("systemd", "config");
      assertThat(sources(byName.get("gone"))).containsExactly("systemd");
      assertThat(sources(byName.get("sysonly"))).containsExactly("systemd");
      assertThat(sources(byName.get("cfgonly"))).containsExactly("config", "heartbeat");
      assertThat(sources(byName.get("remote"))).containsExactly("heartbeat");
      assertThat(byName.get("both").path("active").asBoolean()).isTrue();
      assertThat(byName.get("both").path("systemd").path("main_pid").asLong()).isEqualTo(777);
      assertThat(byName.get("cfgonly").path("active").asBoolean()).isTrue();
      assertThat(byName.get("remote").path("heartbeat").path("host").asText()).isEqualTo("otherhost");
      assertThat(byName.get("sysonly").path("active").asBoolean()).isFalse();

      Ctl.Result table = Ctl.process(work, env, systemctl.bin(), "daemon", "list");
      assertThat(table.exit()).isZero();
      List<String> lines = table.out().lines().toList();
      assertThat(lines.get(0)).startsWith("NAME").contains("STATE").contains("FOUND BY").contains("PENDING");
      assertThat(line(lines, "both")).contains("hyper2kvm@both.service").contains("active (systemd)")
          .contains("systemd, config");
      assertThat(line(lines, "cfgonly")).contains("active (heartbeat)").contains("config, heartbeat");
      assertThat(line(lines, "sysonly")).contains("inactive").contains("systemd");
      assertThat(line(lines, "gone")).contains("not installed");
      assertThat(line(lines, "remote")).contains("active (heartbeat)").contains("heartbeat");
      assertThat(table.out()).doesNotContain("hyper2kvm@.service");
    }
  }

  private static List<String> sources(JsonNode instance) {
    return java.util.stream.StreamSupport.stream(instance.path("sources").spliterator(), false).map(JsonNode::asText)
        .toList();
  }

  private static String line(List<String> lines, String name) {
    return lines.stream().filter(l -> l.startsWith(name + " ")).findFirst()
        .orElseThrow(() -> new AssertionError("no line for " + name + " in " + lines));
  }
}
