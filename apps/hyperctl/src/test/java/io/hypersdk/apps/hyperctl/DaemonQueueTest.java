package io.hypersdk.apps.hyperctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypersdk.testing.JavaProcess;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hyperctl daemon queue}: a real daemon fails a manifest (its record and VM.error say why), then, with the
 * daemon stopped, a pending manifest and one claimed by a daemon on another host; each is listed with its VM,
 * job id and age, the failure with its error's first line, and totals. {@code --watch} redraws until SIGINT.
 */
@Timeout(180)
class DaemonQueueTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path work;
  Path configDir;
  Path watch;
  Path output;
  String recordedError;

  @BeforeEach
  void queueWithEveryState() throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    configDir = Files.createDirectories(work.resolve("etc-hyper2kvm"));
    watch = Files.createDirectories(work.resolve("queue"));
    output = Files.createDirectories(work.resolve("converted"));
    QueueDaemon.writeConfig(configDir, "demo", watch, output);
    try (QueueDaemon daemon = QueueDaemon.startInstance(configDir, "demo", work.resolve("logs"))) {
      submit(watch, "broken.job-broken.json", "broken", "job-broken");
      Path record = output.resolve(".jobs/job-broken.json");
      await("the daemon to fail the manifest").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
          .until(() -> Files.exists(watch.resolve(".failed/broken.job-broken.json")) && Files.exists(record));
      recordedError = JSON.readTree(record.toFile()).path("error").asText();
      assertThat(daemon.term()).isZero();
    }
    submit(watch, "web01.job-w1.json", "web01", "job-w1");
    submit(Files.createDirectories(watch.resolve(".processing/otherhost-demo")), "db01.job-d1.json", "db01", "job-d1");
  }

  /** Writes a manifest under a temporary name and renames it, as the queue contract asks. */
  private static void submit(Path dir, String name, String vm, String jobId) throws Exception {
    Path tmp = dir.resolve("." + name + ".tmp");
    Files.writeString(tmp, "{\"source\": {\"vm_name\": \"" + vm + "\"}, \"metadata\": {\"job_id\": \"" + jobId + "\"}}\n",
        StandardCharsets.UTF_8);
    Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void listsPendingProcessingAndFailedManifestsWithTheErrorAndTotals() throws Exception {
    assertThat(recordedError).isNotBlank();
    String errorLine = recordedError.strip().lines().findFirst().orElseThrow();
    assertThat(Files.readString(output.resolve("broken.error")).lines().findFirst().orElseThrow())
        .isEqualTo(errorLine);

    Ctl.Result r = Ctl.run("daemon", "queue", "--config-dir", configDir.toString(), "--instance", "demo");
    assertThat(r.exit()).as(r.all()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("hyper2kvm@demo.service queue " + watch + " (output " + output + ")");
    assertThat(lines.get(1)).startsWith("STATE").contains("MANIFEST").contains("VM").contains("JOB ID").contains("AGE");
    assertThat(lines.get(2)).matches("pending\\s+web01\\.job-w1\\.json\\s+web01\\s+job-w1\\s+\\d+[smhd]\\s+-");
    assertThat(lines.get(3)).matches("processing\\s+db01\\.job-d1\\.json\\s+db01\\s+job-d1\\s+\\d+[smhd]\\s+otherhost-demo");
    assertThat(lines.get(4)).matches("failed\\s+broken\\.job-broken\\.json\\s+broken\\s+job-broken\\s+\\d+[smhd]\\s+.*")
        .endsWith(errorLine);
    assertThat(lines.get(5)).isEqualTo("Totals: 1 pending, 1 processing, 0 processed, 1 failed");

    Ctl.Result json = Ctl.run("daemon", "queue", "--config-dir", configDir.toString(), "--instance", "demo", "--json");
    assertThat(json.exit()).isZero();
    JsonNode q = JSON.readTree(json.out());
    assertThat(q.path("watch_dir").asText()).isEqualTo(watch.toString());
    assertThat(q.path("entries").findValuesAsText("state")).containsExactly("pending", "processing", "failed");
    assertThat(q.path("entries").findValuesAsText("job_id")).containsExactly("job-w1", "job-d1", "job-broken");
    assertThat(q.path("entries").get(1).path("owner").asText()).isEqualTo("otherhost-demo");
    assertThat(q.path("entries").get(2).path("error").asText()).isEqualTo(errorLine);
    assertThat(q.path("entries").get(0).path("age_seconds").asDouble()).isGreaterThanOrEqualTo(0.0);
    assertThat(q.path("totals").path("pending").asInt()).isEqualTo(1);
    assertThat(q.path("totals").path("processing").asInt()).isEqualTo(1);
    assertThat(q.path("totals").path("failed").asInt()).isEqualTo(1);
  }

  @Test
  void watchRedrawsUntilCtrlC() throws Exception {
    try (JavaProcess p = Ctl.start(work, Map.of("HYPER2KVM_CONFIG_DIR", configDir.toString()), null,
        "daemon", "queue", "--instance", "demo", "--watch", "--interval", "1")) {
      await("two refreshes").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
          .failFast("hyperctl exited: " + p.stderr(), () -> !p.isAlive())
          .until(() -> p.stdout().lines().filter(l -> l.startsWith("--- ")).count() >= 2
              && p.stdout().lines().filter(l -> l.startsWith("Totals: ")).count() >= 2);
      // Ctrl-C: SIGINT to this process only.
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.process().pid())).start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(p.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.process().exitValue()).isEqualTo(130);
      String out = p.stdout();
      String[] refreshes = out.split("\n\n");
      assertThat(refreshes.length).isGreaterThanOrEqualTo(2);
      for (String refresh : List.of(refreshes[0], refreshes[1])) {
        assertThat(refresh).startsWith("--- ").contains("(every 1 s; Ctrl-C ends)")
            .contains("Totals: 1 pending, 1 processing, 0 processed, 1 failed");
      }
      assertThat(p.stderr()).doesNotContain("Exception");
    }
  }
}
