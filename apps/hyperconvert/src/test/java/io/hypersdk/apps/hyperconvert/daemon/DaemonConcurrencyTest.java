package io.hypersdk.apps.hyperconvert.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.queue.Heartbeat;
import io.hypersdk.queue.JobRecord;
import io.hypersdk.queue.JobState;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.Tools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** max_concurrent bounds the conversions running at once, and the daemon claims no more than it can start. */
class DaemonConcurrencyTest {
  private static final int JOBS = 4;

  @TempDir
  Path tmp;

  @Test
  void withMaxConcurrentTwoTwoJobsRunAtOnceAndNeverMore() throws InterruptedException {
    Tools.require("qemu-img", "qemu-utils");
    TestQueue q = new TestQueue(tmp);
    List<Path> disks = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      disks.add(q.disk("conc-" + i, 128, 90 + i));
    }

    // Compressed output makes each job take a second or more.
    try (QueueDaemon d = q.start("conc", Map.of("max_concurrent", 2, "compress", true))) {
      d.awaitHeartbeat();
      for (int i = 0; i < JOBS; i++) {
        q.submit(TestQueue.manifest("conc-vm-" + i, "job-conc-" + i, disks.get(i)), "conc-vm-" + i + ".json");
      }

      int maxRecords = 0;
      int maxBeat = 0;
      int maxClaimed = 0;
      long deadline = System.nanoTime() + 2 * QueueDaemon.TIMEOUT.toNanos();
      while (q.records().stream().filter(r -> r.state() == JobState.COMPLETED).count() < JOBS) {
        if (System.nanoTime() > deadline || !d.isAlive()) {
          throw new AssertionError("the jobs did not complete\n" + d.logSection());
        }
        maxRecords = Math.max(maxRecords, (int) q.records().stream().filter(r -> r.state() == JobState.RUNNING)
            .count());
        maxBeat = Math.max(maxBeat, d.heartbeat().map(Heartbeat::runningJobs).map(List::size).orElse(0));
        maxClaimed = Math.max(maxClaimed, q.processing().size());
        Thread.sleep(20);
      }

      assertThat(maxRecords).as("most records in state running at once").isLessThanOrEqualTo(2);
      assertThat(maxBeat).as("most running_jobs in a heartbeat").isLessThanOrEqualTo(2);
      assertThat(Math.max(maxRecords, maxBeat)).as("most jobs seen running at once\n%s", d.logSection())
          .isEqualTo(2);
      assertThat(maxClaimed).as("most manifests claimed at once").isLessThanOrEqualTo(2);

      assertThat(q.records()).hasSize(JOBS).allSatisfy(r -> assertThat(r.state()).isEqualTo(JobState.COMPLETED));
      assertThat(q.records()).extracting(JobRecord::daemon).containsOnly(d.owner());
      // Each record is written before its manifest is filed, so the last filing may still be under way.
      QueueDaemon.await("every manifest is filed in .processed", QueueDaemon.TIMEOUT,
          () -> q.processed().size() == JOBS, d);
      assertThat(q.processed()).hasSize(JOBS);
      for (int i = 0; i < JOBS; i++) {
        assertThat(Tools.sameContent(disks.get(i), q.outputs("conc-vm-" + i).primaryDisk("qcow2"))).isTrue();
      }
      assertThat(d.term()).isZero();
    }
  }
}
