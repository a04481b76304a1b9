package io.hypersdk.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hypersdk.io.Executables;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.Disk;
import io.hypersdk.manifest.Metadata;
import io.hypersdk.manifest.Source;
import io.hypersdk.manifest.VmSpec;
import io.hypersdk.pipeline.PipelineEvents;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.queue.QueueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * hyperexport against a hyper2kvm daemon that is not this project's: a real process
 * ({@code foreign-hyper2kvm.sh}) that keeps no job records and writes its qcow2 in place, the ways real
 * ones do. The outcome must be right and never early: a success only once the daemon is done with the file.
 */
@Timeout(90)
class ForeignDaemonTest {
  private static final Duration POLL = Duration.ofMillis(200);
  /** Longer than the poll interval, so a check that only waits one interval would be fooled. */
  private static final String PAUSE = "1.5";

  @TempDir
  Path root;
  QueueLayout q;
  Path source;
  Path markers;
  Process daemon;
  final List<String> infos = new CopyOnWriteArrayList<>();
  final PipelineEvents events = new PipelineEvents() {
    @Override
    public void info(String message) {
      infos.add(message);
    }
  };

  @BeforeAll
  static void tools() {
    for (String tool : List.of("qemu-img", "qemu-io", "bash")) {
      assertThat(Executables.onPath(tool)).as(tool + " is needed on PATH (Debian: qemu-utils)").isPresent();
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    q = Fixtures.queue(root);
    markers = Files.createDirectories(root.resolve("markers"));
    source = root.resolve("exports/web01-disk0.raw");
    Files.createDirectories(source.getParent());
    run("qemu-img", "create", "-q", "-f", "raw", source.toString(), "8M");
    run("qemu-io", "-f", "raw", "-c", "write -P 0x11 0 3M", source.toString());
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    if (daemon != null && daemon.isAlive()) {
      daemon.destroyForcibly();
      daemon.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aHeaderWrittenBeforeAPauseIsNotTakenForTheResult() throws Exception {
    ConversionOutcome o = outcome(start("header-pause", null), Duration.ofSeconds(60));

    assertDoneBeforeSuccess(o);
    assertThat(infos).anyMatch(m -> m.startsWith("waiting: qemu-img check finds errors in the qcow2"));
    assertThat(run("qemu-img", "compare", "-f", "raw", "-F", "qcow2", source.toString(), qcow2().toString()))
        .as("the complete image").isZero();
  }

  @Test
  void aQcow2ModifiedUnderQemusLockAfterPublishingIsTakenOnlyOnceTheWriterIsDone() throws Exception {
    ConversionOutcome o = outcome(start("qemu-io-fixes", null), Duration.ofSeconds(60));

    assertDoneBeforeSuccess(o);
    assertThat(infos).contains("waiting: the qcow2 is still locked by a writer");
  }

  @Test
  void aQcow2ModifiedByOneQemuIoRunAfterAnotherIsTakenOnlyAfterTheLastRun() throws Exception {
    ConversionOutcome o = outcome(start("qemu-io-loop", null), Duration.ofSeconds(60));

    assertDoneBeforeSuccess(o);
    assertThat(infos).contains("waiting: the qcow2 is still locked by a writer");
  }

  @Test
  void aQcow2HeldOpenForWritingWithoutALockIsTakenOnlyOnceItIsClosed() throws Exception {
    ConversionOutcome o = outcome(start("fd-fixes", null), Duration.ofSeconds(60));

    assertDoneBeforeSuccess(o);
    assertThat(infos).anyMatch(m -> m.matches("waiting: the qcow2 is open for writing by pid \\d+ \\(bash\\)"));
  }

  @Test
  void aTruncatedQcow2FollowedByAnErrorFileIsAFailure() throws Exception {
    ConversionOutcome o = outcome(start("truncated", null), Duration.ofSeconds(60));

    assertThat(o.success()).isFalse();
    assertThat(o.jobState().wireName()).isEqualTo("failed");
    assertThat(o.error()).isEqualTo("the daemon failed job job-1: conversion failed: no space left on device");
    assertThat(o.outputs()).isEmpty();
    assertThat(infos).anyMatch(m -> m.startsWith("waiting: qemu-img check finds errors in the qcow2"));
  }

  @Test
  void aQcow2SmallerThanTheSourceDiskIsNeverTheResult() throws Exception {
    ConversionOutcome o = outcome(start("small", null), Duration.ofSeconds(15));

    assertThat(o.success()).isFalse();
    assertThat(o.error()).startsWith("timed out after 15.0 s waiting for the daemon; the daemon had already claimed");
    assertThat(infos).contains("waiting: the qcow2's virtual size (1048576 bytes) is smaller than the source disk's "
        + "8388608 bytes");
  }

  @Test
  void aSubmissionTheDaemonLeftInTheQueueIsRemovedAfterTheOutcome() throws Exception {
    SubmitManifestStep.Submission s = start("fd-fixes", "1");
    // Another client's manifest, queued once the daemon has picked this one.
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(markers.resolve("published")));
    Path other = Files.writeString(q.watchDir().resolve("db01.job-9.json"), "{}\n");

    ConversionOutcome o = outcome(s, Duration.ofSeconds(60));

    assertDoneBeforeSuccess(o);
    assertThat(s.queued()).doesNotExist();
    assertThat(other).as("not ours").exists();
    assertThat(infos).contains("removed this job's manifest " + s.queued() + " from the queue: the daemon produced "
        + "the result but left the manifest unclaimed");
  }

  @Test
  void aSubmissionTheDaemonRewroteIsNotOursAndStays() throws Exception {
    SubmitManifestStep.Submission s = start("fd-fixes", "rewrite");

    ConversionOutcome o = outcome(s, Duration.ofSeconds(60));

    assertDoneBeforeSuccess(o);
    assertThat(s.queued()).exists();
    assertThat(Files.readString(s.queued())).contains("annotated_by");
    assertThat(infos).noneMatch(m -> m.startsWith("removed"));
  }

  private SubmitManifestStep.Submission start(String mode, String leave) throws Exception {
    SubmitManifestStep.Submission s = new SubmitManifestStep().run(manifest(), q);
    Path script = Path.of(getClass().getResource("/foreign-hyper2kvm.sh").toURI());
    ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), mode, q.watchDir().toString(),
        q.outputDir().toString(), source.toString(), PAUSE, markers.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(root.resolve("daemon.err").toFile());
    if (leave != null) {
      pb.environment().put("LEAVE", leave);
    }
    daemon = pb.start();
    return s;
  }

  private ConversionOutcome outcome(SubmitManifestStep.Submission s, Duration timeout) throws Exception {
    PipelineOptions o = Fixtures.options(q, root.resolve("etc")).pollInterval(POLL).daemonTimeout(timeout).build();
    return new AwaitResultStep().run(s, q, o, events);
  }

  /** Success, and the daemon had finished with the file before the wait returned. */
  private void assertDoneBeforeSuccess(ConversionOutcome o) throws Exception {
    boolean completeAtReturn = Files.exists(markers.resolve("complete"));
    assertThat(o.error()).isNull();
    assertThat(o.success()).isTrue();
    assertThat(completeAtReturn).as("the daemon had finished with the qcow2 when it was taken").isTrue();
    assertThat(o.outputs()).containsExactly(qcow2().toString());
    assertThat(run("qemu-img", "check", "-f", "qcow2", qcow2().toString())).isZero();
    assertThat(daemon.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(daemon.exitValue()).as(Files.readString(root.resolve("daemon.err"))).isZero();
    for (int i = 1; i < infos.size(); i++) {
      assertThat(infos.get(i)).as("each condition is told once per change").isNotEqualTo(infos.get(i - 1));
    }
  }

  private Path qcow2() {
    return q.outputDir().resolve("web01.qcow2");
  }

  private ArtifactManifest manifest() throws Exception {
    return ArtifactManifest.builder()
        .source(new Source("local", "vm-1", "web01", "DC0", "2026-01-31T12:00:00Z", "test"))
        .vm(new VmSpec(2, 1, "bios", false, "linux", "test"))
        .addDisk(Disk.builder().id("disk-0").sourceFormat("raw").bytes(Files.size(source))
            .localPath(source.toString()).bootOrderHint(0).diskType("boot").build())
        .metadata(new Metadata("test", "job-1", "2026-01-31T12:00:00Z", null))
        .build();
  }

  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }
}
