package io.hypersdk.apps.hyperconvert.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.queue.JobRecord;
import io.hypersdk.queue.JobState;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A daemon killed mid-conversion takes its claimed manifest back when it restarts with the same identity. */
class DaemonCrashRecoveryTest {
  @TempDir
  Path tmp;

  @Test
  void afterKill9MidConversionTheRestartedDaemonConvertsTheManifestOnceMore() {
    Tools.require("qemu-img", "qemu-utils");
    TestQueue q = new TestQueue(tmp);
    Path boot = q.disk("crash-boot", 512, 51);
    Path data = q.disk("crash-data", 64, 52);
    // Compressed output: qemu-img works on 144 MiB of data for seconds, a wide window to kill it in.
    Map<String, Object> settings = Map.of("compress", true);
    String owner;

    try (QueueDaemon d = q.start("crash", settings)) {
      d.awaitHeartbeat();
      owner = d.owner();
      q.submit(TestQueue.manifest("crash-vm", "job-crash", boot, data), "crash-vm.json");
      QueueDaemon.await("job-crash is converting", QueueDaemon.TIMEOUT,
          () -> Files.isDirectory(q.stagingDir("job-crash"))
              && q.record("job-crash").map(r -> r.state() == JobState.RUNNING).orElse(false), d);

      assertThat(d.kill9()).isEqualTo(137);

      // Killed mid-way: claimed, recorded as running, partly staged, nothing published.
      assertThat(q.processing()).containsExactly(owner + "/crash-vm.json");
      assertThat(q.record("job-crash").orElseThrow().state()).isEqualTo(JobState.RUNNING);
      assertThat(q.outputsStartingWith("crash-vm")).isEmpty();
      assertThat(q.staging()).isNotEmpty();
    }

    try (QueueDaemon again = q.start("crash", settings)) {
      JobRecord record = q.awaitRecord("job-crash", JobState.COMPLETED, again);

      assertThat(again.owner()).isEqualTo(owner);
      assertThat(again.log()).contains("taking back 1 manifest(s)");
      assertThat(TestQueue.convertingLines(again.log())).containsExactly(Map.entry("job-crash", 1));
      assertThat(record.daemon()).isEqualTo(owner);
      assertThat(q.records()).singleElement().satisfies(r -> {
        assertThat(r.jobId()).isEqualTo("job-crash");
        assertThat(r.state()).isEqualTo(JobState.COMPLETED);
      });
      assertThat(Tools.sameContent(boot, q.outputs("crash-vm").primaryDisk("qcow2"))).isTrue();
      assertThat(Tools.sameContent(data, q.outputs("crash-vm").extraDisk("data1", "qcow2"))).isTrue();
      assertThat(q.outputsStartingWith("crash-vm")).containsExactlyInAnyOrder("crash-vm.qcow2",
          "crash-vm-data1.qcow2", "crash-vm.xml", "crash-vm.result.json");
      assertThat(q.staging()).isEmpty();
      assertThat(q.processed()).containsExactly("crash-vm.json");
      assertThat(q.processing()).isEmpty();
      assertThat(q.pending()).isEmpty();
      assertThat(q.failed()).isEmpty();
      assertThat(again.term()).isZero();
    }
  }
}
