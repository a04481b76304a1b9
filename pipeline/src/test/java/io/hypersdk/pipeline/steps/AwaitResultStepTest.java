package io.hypersdk.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hypersdk.pipeline.PipelineEvents;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.queue.ConversionResult;
import io.hypersdk.queue.JobRecord;
import io.hypersdk.queue.JobState;
import io.hypersdk.queue.OutputFile;
import io.hypersdk.queue.QueueFiles;
import io.hypersdk.queue.QueueLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Waiting for a job's outcome, with this project's daemon (job records) and with a foreign one (VM files). */
@Timeout(60)
class AwaitResultStepTest {
  @TempDir
  Path root;
  QueueLayout q;
  ScheduledExecutorService daemon;
  final List<String> warnings = new CopyOnWriteArrayList<>();
  final PipelineEvents events = new PipelineEvents() {
    @Override
    public void warning(String message) {
      warnings.add(message);
    }
  };

  @BeforeEach
  void setUp() {
    q = Fixtures.queue(root);
    daemon = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    daemon.shutdownNow();
    daemon.awaitTermination(10, TimeUnit.SECONDS);
  }

  private PipelineOptions options(Duration timeout, boolean notifications) {
    return Fixtures.options(q, root.resolve("etc")).daemonTimeout(timeout).notifications(notifications).build();
  }

  private SubmitManifestStep.Submission submit(String vm, String jobId) throws Exception {
    return new SubmitManifestStep().run(Fixtures.manifest(vm, jobId), q);
  }

  private void later(long millis, Action action) {
    daemon.schedule(() -> {
      action.run();
      return null;
    }, millis, TimeUnit.MILLISECONDS);
  }

  interface Action {
    void run() throws Exception;
  }

  private void claim(SubmitManifestStep.Submission s) throws IOException {
    Path dir = Files.createDirectories(q.processingDir("host-default"));
    Files.move(s.queued(), dir.resolve(s.queued().getFileName()), StandardCopyOption.ATOMIC_MOVE);
  }

  private void record(String jobId, JobState state, ConversionResult result, String error) throws IOException {
    QueueFiles.writeJson(q.jobRecord(jobId), new JobRecord(jobId, state, "web01", "web01." + jobId + ".json",
        "host-default", Instant.now().toString(), result, error));
  }

  private ConversionResult completed(String jobId) {
    return new ConversionResult(ConversionResult.COMPLETED, jobId, "web01", "web01." + jobId + ".json",
        List.of(new OutputFile(OutputFile.ROLE_DISK, "disk-0", q.outputDir().resolve("web01.qcow2").toString(),
                "qcow2", 10, null),
            new OutputFile(OutputFile.ROLE_DISK, "disk-1", q.outputDir().resolve("web01-disk-1.qcow2").toString(),
                "qcow2", 10, null),
            new OutputFile(OutputFile.ROLE_DOMAIN, null, q.outputDir().resolve("web01.xml").toString(),
                "libvirt-xml", 10, null)),
        q.outputDir().resolve("web01.xml").toString(), null, null, null, null);
  }

  @ParameterizedTest(name = "notifications {0}")
  @ValueSource(booleans = {true, false})
  void withThisProjectsDaemonTheJobsOwnRecordDecides(boolean notifications) throws Exception {
    Files.createDirectories(q.jobRecordsDir());
    SubmitManifestStep.Submission s = submit("web01", "job-1");
    // Another job's record for the same VM, and the VM's files, say nothing about this job.
    record("job-0", JobState.COMPLETED, completed("job-0"), null);
    Files.writeString(q.outputDir().resolve("web01.qcow2"), "another job's disk");
    later(200, () -> {
      claim(s);
      record("job-1", JobState.RUNNING, null, null);
    });
    later(700, () -> record("job-1", JobState.COMPLETED, completed("job-1"), null));

    long start = System.nanoTime();
    ConversionOutcome o = new AwaitResultStep().run(s, q, options(Duration.ofSeconds(20), notifications), events);

    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(600);
    assertThat(o.success()).isTrue();
    assertThat(o.jobState().wireName()).isEqualTo("completed");
    assertThat(o.outputs()).containsExactly(q.outputDir().resolve("web01.qcow2").toString(),
        q.outputDir().resolve("web01-disk-1.qcow2").toString());
    assertThat(o.domainXml()).isEqualTo(q.outputDir().resolve("web01.xml").toString());
  }

  @Test
  void aFailedRecordIsAFailureWithTheDaemonsReason() throws Exception {
    Files.createDirectories(q.jobRecordsDir());
    SubmitManifestStep.Submission s = submit("web01", "job-1");
    later(200, () -> {
      claim(s);
      record("job-1", JobState.FAILED, null, "disk disk-0: qemu-img cannot read it");
    });

    ConversionOutcome o = new AwaitResultStep().run(s, q, options(Duration.ofSeconds(20), true), events);

    assertThat(o.success()).isFalse();
    assertThat(o.jobState().wireName()).isEqualTo("failed");
    assertThat(o.error()).isEqualTo("the daemon host-default failed job job-1: disk disk-0: qemu-img cannot read it");
  }

  @Test
  void anotherManifestsRecordWithThisJobIdIsNotThisJobsOutcome() throws Exception {
    Files.createDirectories(q.jobRecordsDir());
    SubmitManifestStep.Submission s = submit("db01", "job-1");
    QueueFiles.writeJson(q.jobRecord("job-1"), new JobRecord("job-1", JobState.COMPLETED, "web01",
        "web01.job-1.json", "host-default", Instant.now().toString(), completed("job-1"), null));
    later(400, () -> {
      claim(s);
      Files.writeString(q.outputDir().resolve("db01.error"), "job id job-1 is already used by web01.job-1.json; "
          + "give each manifest its own metadata.job_id\njob_id: job-1\nmanifest: " + s.queued().getFileName() + "\n");
      Files.createDirectories(q.failedDir());
      Files.move(q.processingDir("host-default").resolve(s.queued().getFileName()),
          q.failedDir().resolve(s.queued().getFileName()));
    });

    ConversionOutcome o = new AwaitResultStep().run(s, q, options(Duration.ofSeconds(20), true), events);

    assertThat(o.success()).isFalse();
    assertThat(o.jobState().wireName()).isEqualTo("failed");
    assertThat(o.error()).isEqualTo("the daemon failed job job-1: job id job-1 is already used by web01.job-1.json; "
        + "give each manifest its own metadata.job_id");
  }

  @Test
  void aTimeoutWithdrawsAManifestNoDaemonTook() throws Exception {
    SubmitManifestStep.Submission s = submit("web01", "job-1");

    ConversionOutcome o = new AwaitResultStep().run(s, q, options(Duration.ofMillis(500), true), events);

    assertThat(o.success()).isFalse();
    assertThat(o.jobState().wireName()).isEqualTo("withdrawn");
    assertThat(o.error()).startsWith("timed out after 0.5 s waiting for the daemon; the manifest was withdrawn");
    assertThat(q.watchDir().toFile().list()).isEmpty();
  }

  @Test
  void aTimeoutAfterTheClaimSaysTheJobMayStillFinish() throws Exception {
    Files.createDirectories(q.jobRecordsDir());
    SubmitManifestStep.Submission s = submit("web01", "job-1");
    later(100, () -> claim(s));

    ConversionOutcome o = new AwaitResultStep().run(s, q, options(Duration.ofMillis(800), true), events);

    assertThat(o.jobState().wireName()).isEqualTo("claimed");
    assertThat(o.error()).contains("already claimed").contains(q.jobRecord("job-1").toString());
    assertThat(q.processingDir("host-default").resolve(s.queued().getFileName())).exists();
  }

  @Test
  void aForeignDaemonsNewStableQcow2CompletesAndStaleFilesDoNot() throws Exception {
    Path qcow2 = q.outputDir().resolve("web01.qcow2");
    Files.writeString(qcow2, "stale disk");
    Files.writeString(q.outputDir().resolve("web01.error"), "stale failure\n");
    SubmitManifestStep.Submission s = submit("web01", "job-1");
    AtomicLong publishedAt = new AtomicLong();
    later(800, () -> {
      Path temp = q.outputDir().resolve(".web01.qcow2.tmp");
      Process create = new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", temp.toString(), "1M").start();
      assertThat(create.waitFor()).as("qemu-img create").isZero();
      publishedAt.set(System.nanoTime());
      Files.move(temp, qcow2, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    });

    ConversionOutcome o = new AwaitResultStep().run(s, q, options(Duration.ofSeconds(20), true), events);
    long done = System.nanoTime();

    assertThat(publishedAt.get()).as("not finished on the stale files").isPositive();
    assertThat((done - publishedAt.get()) / 1_000_000).as("stable for a poll interval first").isGreaterThanOrEqualTo(100);
    assertThat(o.success()).isTrue();
    assertThat(o.outputs()).containsExactly(qcow2.toString());
    assertThat(o.jobState().wireName()).isEqualTo("completed");
  }

  @Test
  void aForeignDaemonsNewErrorFileFailsWithItsFirstLine() throws Exception {
    Files.writeString(q.outputDir().resolve("web01.error"), "stale failure\n");
    SubmitManifestStep.Submission s = submit("web01", "job-1");
    later(300, () -> {
      Path temp = Files.writeString(q.outputDir().resolve(".web01.error.tmp"), "qemu-img: invalid VMDK\ndetails\n");
      Files.move(temp, q.outputDir().resolve("web01.error"), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    });

    ConversionOutcome o = new AwaitResultStep().run(s, q, options(Duration.ofSeconds(20), true), events);

    assertThat(o.success()).isFalse();
    assertThat(o.jobState().wireName()).isEqualTo("failed");
    assertThat(o.error()).isEqualTo("the daemon failed job job-1: qemu-img: invalid VMDK");
  }

  @Test
  void anInterruptWithdrawsTheManifestAndIsPassedOn() throws Exception {
    SubmitManifestStep.Submission s = submit("web01", "job-1");
    FutureTask<ConversionOutcome> wait = new FutureTask<>(
        () -> new AwaitResultStep().run(s, q, options(Duration.ofMinutes(5), true), events));
    Thread t = new Thread(wait, "awaiting");
    t.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> t.getState() == Thread.State.TIMED_WAITING);
    t.interrupt();

    assertThatThrownBy(() -> wait.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(warnings).singleElement().asString().startsWith("interrupted while waiting for the daemon")
        .contains("withdrawn");
    assertThat(q.watchDir().toFile().list()).isEmpty();
  }
}
