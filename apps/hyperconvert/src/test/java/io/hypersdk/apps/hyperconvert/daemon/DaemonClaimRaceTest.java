package io.hypersdk.apps.hyperconvert.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.queue.JobRecord;
import io.hypersdk.queue.JobState;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.Tools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Claiming is an atomic rename: two daemons on one queue convert every manifest exactly once. */
class DaemonClaimRaceTest {
  private static final int JOBS = 20;

  @TempDir
  Path tmp;

  @Test
  void twoDaemonsRacingOnOneQueueConvertEachManifestExactlyOnce() {
    Tools.require("qemu-img", "qemu-utils");
    TestQueue q = new TestQueue(tmp);
    List<Path> disks = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      disks.add(q.disk("race-" + i, 4 + i % 5, 100 + i));
    }
    Map<String, Object> settings = Map.of("max_concurrent", 2);

    try (QueueDaemon a = q.start("race-a", settings); QueueDaemon b = q.start("race-b", settings)) {
      a.awaitHeartbeat();
      b.awaitHeartbeat();
      List<String> jobIds = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (int i = 0; i < JOBS; i++) {
        String vm = String.format("race-vm-%02d", i);
        jobIds.add("job-" + vm);
        names.add(vm + ".json");
        q.submit(TestQueue.manifest(vm, "job-" + vm, disks.get(i)), vm + ".json");
      }

      QueueDaemon.await(JOBS + " completed records", Duration.ofSeconds(120),
          () -> q.records().stream().filter(r -> r.state() == JobState.COMPLETED).count() == JOBS, a, b);

      List<JobRecord> records = q.records();
      assertThat(records).extracting(JobRecord::jobId).containsExactlyInAnyOrderElementsOf(jobIds);
      assertThat(records).allSatisfy(r -> {
        assertThat(r.state()).isEqualTo(JobState.COMPLETED);
        assertThat(r.daemon()).isIn(a.owner(), b.owner());
        assertThat(r.result().jobId()).isEqualTo(r.jobId());
      });
      assertThat(q.processed()).containsExactlyInAnyOrderElementsOf(names);
      assertThat(q.pending()).isEmpty();
      assertThat(q.processing()).isEmpty();
      assertThat(q.failed()).isEmpty();

      // Each job was converted once in total, by the daemon its record names.
      String logA = a.log();
      String logB = b.log();
      Map<String, Integer> converting = TestQueue.convertingLines(logA, logB);
      assertThat(converting.keySet()).containsExactlyInAnyOrderElementsOf(jobIds);
      assertThat(converting).allSatisfy((id, n) -> assertThat(n).as("'converting' lines of %s", id).isEqualTo(1));
      for (JobRecord r : records) {
        String log = r.daemon().equals(a.owner()) ? logA : logB;
        assertThat(log).contains("job " + r.jobId() + ": converting ");
      }
      Map<String, Long> perDaemon = records.stream().collect(Collectors.groupingBy(JobRecord::daemon,
          Collectors.counting()));
      assertThat(perDaemon).as("jobs per daemon").containsOnlyKeys(a.owner(), b.owner());

      for (int i = 0; i < JOBS; i++) {
        assertThat(Tools.sameContent(disks.get(i), q.outputs(String.format("race-vm-%02d", i)).primaryDisk("qcow2")))
            .as("content of race-vm-%02d", i).isTrue();
      }
      assertThat(a.term()).isZero();
      assertThat(b.term()).isZero();
    }
  }
}
