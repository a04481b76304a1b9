package io.hypersdk.apps.hyperconvert.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.queue.Heartbeat;
import io.hypersdk.queue.JobRecord;
import io.hypersdk.queue.JobState;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGTERM: the daemon takes no new work, lets running conversions finish for up to stop_timeout_seconds,
 * stops the rest (their manifests go back to the queue, their partial outputs are removed), and exits 0.
 */
class DaemonStopTest {
  @TempDir
  Path tmp;

  @Test
  void sigtermLetsARunningConversionFinishWithinTheStopTimeoutAndExitsZero() {
    Tools.require("qemu-img", "qemu-utils");
    TestQueue q = new TestQueue(tmp);
    // Compressed qcow2 output makes qemu-img take seconds over 128 MiB of data.
    Path disk = q.disk("long", 512, 31);
    try (QueueDaemon d = q.start("stop-long", Map.of("compress", true, "stop_timeout_seconds", 120))) {
      d.awaitHeartbeat();
      q.submit(TestQueue.manifest("long-vm", "job-long", disk), "long-vm.json");
      QueueDaemon.await("job-long is converting", QueueDaemon.TIMEOUT,
          () -> Files.isDirectory(q.stagingDir("job-long")), d);
      assertThat(q.record("job-long").orElseThrow().state()).isEqualTo(JobState.RUNNING);

      assertThat(d.term()).as("exit code\n%s", d.logSection()).isZero();

      JobRecord record = q.record("job-long").orElseThrow();
      assertThat(record.state()).isEqualTo(JobState.COMPLETED);
      assertThat(Tools.sameContent(disk, q.outputs("long-vm").primaryDisk("qcow2"))).isTrue();
      assertThat(q.processed()).containsExactly("long-vm.json");
      assertThat(q.pending()).isEmpty();
      assertThat(q.processing()).isEmpty();
      assertThat(q.staging()).isEmpty();
      String log = d.log();
      assertThat(log.indexOf("stopping: no new manifests")).as("the stop began before the job completed\n%s", log)
          .isNotNegative().isLessThan(log.indexOf("job job-long: completed"));
      assertThat(d.heartbeat().orElseThrow().state()).isEqualTo(Heartbeat.STOPPED);
    }
  }

  /**
   * Past stop_timeout_seconds the job is stopped, whatever it is doing: running qemu-img, or still verifying
   * the source checksums after the conversions (long reads beside the conversion, in file channels which an
   * interrupt closes). In every case the outcome is QueueJob.requeue: the manifest back at the top of the watch
   * dir, no record, nothing published, no staging left.
   */
  @ParameterizedTest(name = "SIGTERM while {0}")
  @ValueSource(strings = {"verifying", "converting"})
  void pastTheStopTimeoutARunningJobIsStoppedWithoutTraceAndItsManifestGoesBackToTheQueue(String phase) {
    Tools.require("qemu-img", "qemu-utils");
    TestQueue q = new TestQueue(tmp);
    Path[] disks = switch (phase) {
      // Eight disk entries reading one 512 MiB sparse file: quick conversions, 4 GiB of checksums to verify.
      case "verifying" -> sameDisk(q.sparseDisk("short", 512, 41), 8);
      // One compressed conversion of 256 MiB of data: qemu-img runs for seconds.
      default -> new Path[] {q.disk("short", 1024, 41)};
    };
    boolean compress = phase.equals("converting");
    // Verifying is the separate checksum read, which only disks converted by qemu-img have (the native
    // converter checks its source in its own pass).
    String converter = phase.equals("verifying") ? "qemu-img" : "native";
    try (QueueDaemon d = q.start("stop-short", Map.of("compress", compress, "stop_timeout_seconds", 1,
        "converter", converter))) {
      d.awaitHeartbeat();
      q.submit(TestQueue.manifest("short-vm", "job-short", true, disks), "short-vm.json");
      if (phase.equals("verifying")) {
        QueueDaemon.await("job-short has converted its disks", QueueDaemon.TIMEOUT,
            () -> d.log().contains("job job-short: convert done"), d);
        assertThat(d.log()).as("the source checksums are still being verified").doesNotContain("validate done");
      } else {
        QueueDaemon.await("job-short is converting", QueueDaemon.TIMEOUT,
            () -> Files.isDirectory(q.stagingDir("job-short")), d);
      }

      long t0 = System.nanoTime();
      int code = d.term();
      Duration took = Duration.ofNanos(System.nanoTime() - t0);

      assertThat(code).as("exit code\n%s", d.logSection()).isZero();
      assertThat(took).as("time from SIGTERM to exit").isLessThan(Duration.ofSeconds(30));
      assertThat(d.log()).as("the job was stopped, not finished\n%s", d.logSection())
          .contains("conversions still running after 1 s").doesNotContain("job job-short: completed");
      assertThat(q.pending()).as("pending manifests\n%s", d.logSection()).containsExactly("short-vm.json");
      assertThat(q.processing()).isEmpty();
      assertThat(q.processed()).isEmpty();
      assertThat(q.failed()).isEmpty();
      assertThat(q.record("job-short")).isEmpty();
      assertThat(q.outputsStartingWith("short-vm")).isEmpty();
      assertThat(q.staging()).isEmpty();
      assertThat(d.log()).contains("job job-short: stopped before it finished; short-vm.json is back in the queue");
      assertThat(d.heartbeat().orElseThrow().state()).isEqualTo(Heartbeat.STOPPED);
    }

    if (phase.equals("converting")) {
      // The manifest is intact: a daemon started later converts it (uncompressed, to be quick).
      try (QueueDaemon again = q.start("stop-short", Map.of("compress", false))) {
        JobRecord record = q.awaitRecord("job-short", JobState.COMPLETED, again);
        assertThat(record.daemon()).isEqualTo(again.owner());
        assertThat(Tools.sameContent(disks[0], q.outputs("short-vm").primaryDisk("qcow2"))).isTrue();
        assertThat(q.processed()).containsExactly("short-vm.json");
        assertThat(again.term()).isZero();
      }
    }
  }

  private static Path[] sameDisk(Path disk, int times) {
    Path[] out = new Path[times];
    java.util.Arrays.fill(out, disk);
    return out;
  }
}
