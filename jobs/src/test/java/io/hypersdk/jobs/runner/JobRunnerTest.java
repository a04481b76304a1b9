package io.hypersdk.jobs.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hypersdk.jobs.connections.Connections;
import io.hypersdk.jobs.events.JobEventBus;
import io.hypersdk.jobs.model.Job;
import io.hypersdk.jobs.model.JobDefinition;
import io.hypersdk.jobs.model.JobEvent;
import io.hypersdk.jobs.model.JobOptions;
import io.hypersdk.jobs.model.JobProgress;
import io.hypersdk.jobs.model.JobResult;
import io.hypersdk.jobs.model.LogLine;
import io.hypersdk.jobs.runner.JobRunner.CancelOutcome;
import io.hypersdk.jobs.store.JobStore;
import io.hypersdk.migration.MigrationResult;
import io.hypersdk.providers.Providers;
import io.hypersdk.testing.ConverterStandIn;
import io.hypersdk.testing.SampleVms;
import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs run in process by {@link JobRunner} with a real SQLite store, the local provider and a sample OVA:
 * the job's options reach the run, progress and status are published, and a cancel stops a running job.
 */
@Timeout(180)
class JobRunnerTest {
  @TempDir
  static Path samples;
  static Path ova;
  static Path raw;

  @TempDir
  Path work;
  JobStore store;
  JobEventBus bus = new JobEventBus();
  List<JobEvent> events = new CopyOnWriteArrayList<>();
  SecretVault secrets = new SecretVault();
  JobRunner runner;

  @BeforeAll
  static void sampleVm() throws IOException {
    ova = SampleVms.ova(samples, "web01", 8, 21);
    raw = samples.resolve("raw/web01.raw");
  }

  @BeforeEach
  void start() {
    store = JobStore.open(work.resolve("jobs.db"));
    bus.subscribe(events::add);
    runner = newRunner();
  }

  private JobRunner newRunner() {
    return new JobRunner(store, bus, secrets, new MigrationRequests(work.resolve("etc-hyper2kvm"), List.of()),
        connections(), 1);
  }

  private static Connections connections() {
    try {
      return Connections.define(Providers.discover(), Map.of(), Map.of());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stop() throws Exception {
    runner.stop(30);
    store.close();
  }

  private JobDefinition job(String id, JobOptions options) {
    return new JobDefinition(id, id, ova.toString(), work.resolve("out/" + id).toString(), "ovf", "local", null,
        Map.of(), null, options, JobStore.now());
  }

  private static JobOptions pipeline(Path converter) {
    return new JobOptions(true, converter.toString(), false, null, null, null, null, null, false, null, false, true,
        null, null);
  }

  private Job awaitStatus(String id, String status) {
    await("job " + id + " " + status).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
        .until(() -> store.get(id).orElseThrow().status().equals(status));
    return store.get(id).orElseThrow();
  }

  private List<Object> statuses(String id) {
    return events.stream().filter(e -> e.jobId().equals(id) && e.type() == JobEvent.Type.STATUS)
        .map(JobEvent::data).toList();
  }

  private List<String> logMessages(String id) {
    return store.logs(id).stream().map(l -> l.level() + " " + l.message()).toList();
  }

  @Test
  void anExportJobCompletesAndPublishesItsProgress() {
    runner.submit(job("a", JobOptions.NONE), Map.of());

    Job done = awaitStatus("a", "completed");
    JobResult r = done.result();
    assertThat(r.success()).isTrue();
    assertThat(r.vmName()).isEqualTo("web01");
    assertThat(r.exportedFiles()).containsExactly(work.resolve("out/a/web01.vmdk").toString());
    assertThat(r.totalSize()).isEqualTo(work.resolve("out/a/web01.vmdk").toFile().length());
    assertThat(Path.of(r.manifest())).as("the manifest is always written").isRegularFile();
    assertThat(r.pipelineMode()).as("no pipeline asked for").isNull();
    assertThat(done.progress().percentComplete()).isEqualTo(100);
    assertThat(done.error()).isNull();

    assertThat(statuses("a")).containsExactly("pending", "running", "completed");
    List<JobProgress> progress = events.stream().filter(e -> e.type() == JobEvent.Type.PROGRESS)
        .map(e -> (JobProgress) e.data()).toList();
    assertThat(progress).extracting(JobProgress::phase).contains("export", "manifest");
    assertThat(progress).filteredOn(p -> p.phase().equals("export")).last()
        .satisfies(p -> assertThat(p.percentComplete()).as("export-only: the export is all of it").isEqualTo(100));
    assertThat(logMessages("a")).first().isEqualTo("INFO submitted: " + ova + " from local into "
        + work.resolve("out/a"));
    assertThat(events).filteredOn(e -> e.type() == JobEvent.Type.LOG).extracting(e -> ((LogLine) e.data()).message())
        .anyMatch(m -> m.startsWith("exporting " + ova))
        .anyMatch(m -> m.startsWith("wrote "));
  }

  @Test
  void thePipelineOptionsReachTheRun() throws Exception {
    Path converter = ConverterStandIn.qemuImg(work);
    runner.submit(job("p", pipeline(converter)), Map.of());

    JobResult r = awaitStatus("p", "completed").result();
    Path qcow2 = work.resolve("out/p/converted/web01.qcow2");
    assertThat(r.pipelineMode()).isEqualTo("direct");
    assertThat(r.converter()).isEqualTo(converter.toString());
    assertThat(r.outputs()).containsExactly(qcow2.toString());
    assertThat(Tools.sameContent(raw, qcow2)).isTrue();
    assertThat(logMessages("p")).contains("OUTPUT Output: " + qcow2);
    assertThat(events).filteredOn(e -> e.type() == JobEvent.Type.PROGRESS)
        .extracting(e -> ((JobProgress) e.data()).phase()).containsSubsequence("export", "manifest", "converting");
    assertThat(events)
        .filteredOn(e -> e.type() == JobEvent.Type.PROGRESS && ((JobProgress) e.data()).phase().equals("export"))
        .last().satisfies(e -> assertThat(((JobProgress) e.data()).percentComplete())
            .as("with a pipeline the export is half the job").isEqualTo(50));
  }

  @Test
  void aCancelStopsARunningJobAndItsConverter() throws Exception {
    Path pidFile = work.resolve("converter.pid");
    runner.submit(job("slow", pipeline(ConverterStandIn.slow(work, pidFile))), Map.of());
    await("the converter runs").atMost(Duration.ofSeconds(120)).until(() -> Files.exists(pidFile));
    long child = Long.parseLong(Files.readString(pidFile).strip());

    assertThat(runner.cancel("slow")).isEqualTo(CancelOutcome.STOPPING);

    Job j = awaitStatus("slow", "cancelled");
    assertThat(j.error()).isEqualTo("cancelled by request");
    assertThat(statuses("slow")).containsExactly("pending", "running", "cancelled");
    assertThat(logMessages("slow")).contains("OUTPUT Stage convert: started", "INFO cancelled while running");
    await("the converter's child is stopped").atMost(Duration.ofSeconds(30))
        .until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
    assertThat(runner.cancel("slow")).isEqualTo(CancelOutcome.ALREADY_FINISHED);
  }

  @Test
  void aPendingJobIsCancelledBeforeItStarts() throws Exception {
    Path pidFile = work.resolve("converter.pid");
    runner.submit(job("first", pipeline(ConverterStandIn.slow(work, pidFile))), Map.of());
    await("the first job runs").atMost(Duration.ofSeconds(120)).until(() -> Files.exists(pidFile));
    runner.submit(job("second", JobOptions.NONE), Map.of("password", "pw-second"));

    assertThat(runner.cancel("second")).as("one job at a time: the second waits").isEqualTo(CancelOutcome.CANCELLED);
    assertThat(store.get("second").orElseThrow().status()).isEqualTo("cancelled");
    assertThat(store.get("second").orElseThrow().startedAt()).isNull();
    assertThat(secrets.get("second")).as("its password is forgotten").isEmpty();
    assertThat(runner.cancel("nobody")).isEqualTo(CancelOutcome.NOT_FOUND);

    runner.cancel("first");
    awaitStatus("first", "cancelled");
    assertThat(work.resolve("out/second")).as("the cancelled job never exported").doesNotExist();
  }

  @Test
  void aMissingVmFailsTheJobNamingTheStep() {
    Path missing = work.resolve("nowhere/ghost.ova");
    runner.submit(new JobDefinition("m", "m", missing.toString(), work.resolve("out/m").toString(), "ovf", "local",
        null, Map.of(), null, JobOptions.NONE, JobStore.now()), Map.of());

    Job j = awaitStatus("m", "failed");
    assertThat(j.error()).contains(missing.toString());
    assertThat(j.result().failedStep()).isEqualTo(MigrationResult.Step.SOURCE);
    assertThat(logMessages("m")).anyMatch(l -> l.startsWith("ERROR ") && l.contains(missing.toString()));
    assertThat(statuses("m")).containsExactly("pending", "running", "failed");
  }

  @Test
  void afterARestartCutOffJobsFailAndPendingOnesRunAgain() throws Exception {
    runner.stop(30);
    store.insert(job("cut", JobOptions.NONE));
    assertThat(store.claim("cut")).isTrue();
    store.insert(job("again", JobOptions.NONE));
    store.insert(new JobDefinition("secret", "secret", ova.toString(), work.resolve("out/secret").toString(), "ovf",
        "local", null, Map.of(), JobDefinition.CREDENTIALS_IN_MEMORY, JobOptions.NONE, JobStore.now()));

    runner = newRunner();
    runner.recover();

    assertThat(store.get("cut").orElseThrow().status()).isEqualTo("failed");
    assertThat(store.get("cut").orElseThrow().error()).isEqualTo(JobStore.INTERRUPTED);
    assertThat(store.get("secret").orElseThrow().status()).isEqualTo("failed");
    assertThat(store.get("secret").orElseThrow().error()).contains("password was held in memory only");
    assertThat(awaitStatus("again", "completed").result().exportedFiles()).hasSize(1);
  }
}
