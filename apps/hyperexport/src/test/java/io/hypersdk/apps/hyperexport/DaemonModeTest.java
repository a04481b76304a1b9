package io.hypersdk.apps.hyperexport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.queue.JobRecord;
import io.hypersdk.queue.JobState;
import io.hypersdk.queue.QueueFiles;
import io.hypersdk.queue.QueueLayout;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.SystemctlStandIn;
import io.hypersdk.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** hyperexport submitting to a running {@code hyperconvert daemon}, found by its heartbeat. */
class DaemonModeTest extends EndToEndTest {
  private SystemctlStandIn systemctlLog;

  @BeforeEach
  void systemdSaysNothingRuns() {
    // Hermetic: whatever the machine's systemd says, only the heartbeat can select daemon mode here.
    systemctlLog = SystemctlStandIn.install(bin()).answerAll("inactive", 3);
  }

  private QueueDaemon daemon(Queue q) {
    Path config = QueueDaemon.writeConfig(work.resolve("etc/hyper2kvm.conf"), q.watch(), q.output(), 2);
    return tools.daemon(config, q.watch(), q.output());
  }

  private static String[] daemonArgs(Path vmSource, Path out, Queue q, String... more) {
    List<String> a = new java.util.ArrayList<>(List.of("--provider", "local", "--vm", vmSource.toString(),
        "--output", out.toString(), "--pipeline", "--no-fix", "--hyper2kvm-daemon",
        "--hyper2kvm-watch-dir", q.watch().toString(), "--hyper2kvm-output-dir", q.output().toString(),
        "--hyper2kvm-poll-interval", "0.2"));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  private static JobRecord record(Queue q, String jobId) throws Exception {
    return QueueFiles.readRecord(new QueueLayout(q.watch(), q.output()), jobId).orElseThrow(
        () -> new AssertionError("no job record for " + jobId + " in " + q.output()));
  }

  @Test
  void aFreshHeartbeatSelectsDaemonModeAndTheDaemonConverts() throws Exception {
    Queue q = queue("q");
    QueueDaemon d = daemon(q);
    Path out = work.resolve("export");

    Result r = tools.hyperexport(daemonArgs(vm.ova(), out, q, "--json"));

    assertThat(r.exit()).as("%s\n--- daemon ---\n%s", r, d.log()).isZero();
    JsonNode p = r.json().path("pipeline");
    JsonNode exec = p.path("execution");
    assertThat(exec.path("mode").asText()).isEqualTo("daemon");
    assertThat(exec.path("reason").asText()).contains("heartbeat").contains(q.watch().resolve(".heartbeat").toString());
    assertThat(exec.path("heartbeat").asText()).endsWith("-default");
    assertThat(p.path("outputs")).extracting(JsonNode::asText).containsExactly(
        q.output().resolve("web01.qcow2").toString(), q.output().resolve("web01-disk-1.qcow2").toString());
    assertThat(p.path("domain_xml").asText()).isEqualTo(q.output().resolve("web01.xml").toString());
    assertThat(p.path("job_state").asText()).isEqualTo("completed");
    assertWebConverted(q.output());
    assertThat(names(out)).as("nothing was converted in the export folder").noneMatch(n -> n.endsWith(".qcow2"));

    String jobId = r.json().path("job_id").asText();
    assertThat(record(q, jobId).state()).isEqualTo(JobState.COMPLETED);
    assertThat(filedAsProcessed(q, 1)).containsExactly("web01." + jobId + ".json");
    assertThat(pendingManifests(q.watch())).isEmpty();
    assertThat(systemctlLog.calls()).containsExactly("is-active hyper2kvm.service");
    assertThat(d.term()).as("clean daemon stop").isZero();
  }

  @Test
  void theInstanceConfigSaysWhereTheQueueIs() throws Exception {
    Path etc = dir("etc");
    Queue q = queue("prod");
    Path config = QueueDaemon.writeConfig(etc.resolve("prod.yaml"), q.watch(), q.output(), 2);
    QueueDaemon d = tools.daemon(config, q.watch(), q.output(), "--instance", "prod");
    Path out = work.resolve("export");

    Result r = tools.hyperexport("--provider", "local", "--vm", vm.ova().toString(), "--output", out.toString(),
        "--pipeline", "--no-fix", "--hyper2kvm-daemon", "--hyper2kvm-instance", "prod", "--hyper2kvm-config-dir", etc.toString(),
        "--hyper2kvm-poll-interval", "0.2", "--json");

    assertThat(r.exit()).as("%s\n--- daemon ---\n%s", r, d.log()).isZero();
    assertThat(r.stderr()).contains("queue: watch dir " + q.watch() + ", output dir " + q.output() + " (from "
        + config + ")");
    JsonNode exec = r.json().path("pipeline").path("execution");
    assertThat(exec.path("mode").asText()).isEqualTo("daemon");
    assertThat(exec.path("heartbeat").asText()).endsWith("-prod");
    String jobId = r.json().path("job_id").asText();
    assertThat(filedAsProcessed(q, 1)).containsExactly("web01." + jobId + ".json");
    assertThat(record(q, jobId).state()).isEqualTo(JobState.COMPLETED);
    assertWebConverted(q.output());
    assertThat(systemctlLog.calls()).containsExactly("is-active hyper2kvm@prod.service");
  }

  @Test
  void staleOutputsOfTheSameVmAreNotTakenForTheResult() throws Exception {
    Queue q = queue("q");
    QueueDaemon d = daemon(q);
    // A previous run's outputs: a good-looking qcow2 with another disk's content, and a failure.
    Path staleQcow2 = q.output().resolve("web01.qcow2");
    Tools.run(List.of("qemu-img", "convert", "-f", "raw", "-O", "qcow2", vm.dbRaw().toString(), staleQcow2.toString()));
    Path staleError = q.output().resolve("web01.error");
    Files.writeString(staleError, "an old failure\njob_id: web01-old\n", StandardCharsets.UTF_8);
    FileTime hourAgo = FileTime.from(Instant.now().minusSeconds(3600));
    Files.setLastModifiedTime(staleQcow2, hourAgo);
    Files.setLastModifiedTime(staleError, hourAgo);

    Result r = tools.hyperexport(daemonArgs(vm.ova(), work.resolve("export"), q, "--json"));

    assertThat(r.exit()).as("the stale .error must not fail the job: %s\n--- daemon ---\n%s", r, d.log()).isZero();
    String jobId = r.json().path("job_id").asText();
    // When hyperexport returned, this job had finished: it waited for its own record, not the stale files.
    assertThat(record(q, jobId).state()).isEqualTo(JobState.COMPLETED);
    assertThat(Tools.sameContent(vm.webBootRaw(), staleQcow2)).as("web01.qcow2 is this job's").isTrue();
    assertThat(Files.getLastModifiedTime(staleQcow2)).isGreaterThan(hourAgo);
    assertWebConverted(q.output());
    assertThat(staleError).as("a success removes the VM's old error file").doesNotExist();
  }

  @Test
  void twoExportsOfDifferentVmsShareOneQueue() throws Exception {
    Queue q = queue("q");
    QueueDaemon d = daemon(q);

    Running web = tools.startHyperexport(daemonArgs(vm.ova(), work.resolve("export-web"), q, "--json"));
    Running db = tools.startHyperexport(daemonArgs(vm.dbVmdk(), work.resolve("export-db"), q, "--json"));
    Result rw = web.await(Launcher.RUN_TIMEOUT);
    Result rd = db.await(Launcher.RUN_TIMEOUT);

    assertThat(rw.exit()).as("%s\n--- daemon ---\n%s", rw, d.log()).isZero();
    assertThat(rd.exit()).as("%s\n--- daemon ---\n%s", rd, d.log()).isZero();
    assertThat(rw.json().path("pipeline").path("outputs")).extracting(JsonNode::asText).containsExactly(
        q.output().resolve("web01.qcow2").toString(), q.output().resolve("web01-disk-1.qcow2").toString());
    assertThat(rd.json().path("pipeline").path("outputs")).extracting(JsonNode::asText)
        .containsExactly(q.output().resolve("db01.qcow2").toString());
    assertWebConverted(q.output());
    assertThat(Tools.sameContent(vm.dbRaw(), q.output().resolve("db01.qcow2"))).isTrue();

    String webJob = rw.json().path("job_id").asText();
    String dbJob = rd.json().path("job_id").asText();
    assertThat(webJob).isNotEqualTo(dbJob);
    assertThat(filedAsProcessed(q, 2))
        .containsExactlyInAnyOrder("web01." + webJob + ".json", "db01." + dbJob + ".json");
    assertThat(record(q, webJob).state()).isEqualTo(JobState.COMPLETED);
    assertThat(record(q, dbJob).state()).isEqualTo(JobState.COMPLETED);
    assertThat(pendingManifests(q.watch())).isEmpty();
  }

  @Test
  void aFailureInTheDaemonIsShownToTheUser() throws Exception {
    Queue q = queue("q");
    QueueDaemon d = daemon(q);
    // Not a VMDK at all: the local provider copies it, qemu-img in the daemon cannot read it.
    Path broken = dir("broken").resolve("broken.vmdk");
    byte[] garbage = new byte[1 << 20];
    new java.util.Random(7).nextBytes(garbage);
    Files.write(broken, garbage);

    Result r = tools.hyperexport(daemonArgs(broken, work.resolve("export"), q));

    assertThat(r.exit()).as("%s\n--- daemon ---\n%s", r, d.log()).isEqualTo(5);
    Path error = q.output().resolve("broken.error");
    assertThat(error).isRegularFile();
    String reason = Files.readAllLines(error, StandardCharsets.UTF_8).get(0);
    assertThat(reason).isNotBlank();
    assertThat(errorLines(r)).singleElement().asString().contains(reason).contains("failed job");
    assertThat(r.values("Job state")).containsExactly("failed");
    assertNoStackTrace(r);
    assertThat(q.output().resolve("broken.qcow2")).doesNotExist();
    assertThat(names(q.watch().resolve(".failed"))).singleElement().asString().startsWith("broken.");
  }

  /** The manifests filed in {@code .processed}, once {@code count} are: the filing follows the final record. */
  private static List<String> filedAsProcessed(Queue q, int count) {
    Path processed = q.watch().resolve(".processed");
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
        .until(() -> names(processed).size() >= count);
    return names(processed);
  }
}
