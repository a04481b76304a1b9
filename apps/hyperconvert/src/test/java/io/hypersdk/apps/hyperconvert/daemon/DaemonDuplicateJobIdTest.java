package io.hypersdk.apps.hyperconvert.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.Tools;
import io.hypersdk.queue.JobRecord;
import io.hypersdk.queue.JobState;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two manifests with one {@code metadata.job_id}: the first keeps the record, the second fails with
 * "job id X is already used by MANIFEST" and never touches the first's record, in turn or at once.
 */
class DaemonDuplicateJobIdTest {
  @TempDir
  Path tmp;

  @Test
  void aSecondManifestWithAUsedJobIdFailsAndTheFirstsRecordStays() {
    Tools.require("qemu-img", "qemu-utils");
    TestQueue q = new TestQueue(tmp);
    Path disk = q.disk("dup", 4, 71);

    try (QueueDaemon d = q.start("dup")) {
      d.awaitHeartbeat();
      q.submit(TestQueue.manifest("web01", "job-dup", disk), "web01.job-dup.json");
      JobRecord first = q.awaitRecord("job-dup", JobState.COMPLETED, d);

      q.submit(TestQueue.manifest("db01", "job-dup", disk), "db01.job-dup.json");
      QueueDaemon.await("the second manifest is filed in .failed", QueueDaemon.TIMEOUT,
          () -> q.failed().contains("db01.job-dup.json"), d);

      assertThat(TestQueue.read(q.outputs("db01").errorFile()).lines().findFirst()).hasValue(
          "job id job-dup is already used by web01.job-dup.json; give each manifest its own metadata.job_id");
      assertThat(q.record("job-dup")).hasValue(first);
      assertThat(q.outputsStartingWith("db01")).containsExactly("db01.error");
      assertThat(d.log()).contains("job id job-dup is already used by web01.job-dup.json");
      assertThat(d.term()).isZero();
    }
  }

  @Test
  void twoManifestsWithOneJobIdAtOnceGiveOneRecordAndOneFailure() {
    Tools.require("qemu-img", "qemu-utils");
    TestQueue q = new TestQueue(tmp);
    Path disk = q.disk("dup", 4, 72);

    try (QueueDaemon d = q.start("dup", Map.of("max_concurrent", 2))) {
      d.awaitHeartbeat();
      q.submit(TestQueue.manifest("web01", "job-dup", disk), "web01.job-dup.json");
      q.submit(TestQueue.manifest("db01", "job-dup", disk), "db01.job-dup.json");
      QueueDaemon.await("both manifests are filed", QueueDaemon.TIMEOUT,
          () -> q.processed().size() + q.failed().size() == 2, d);

      assertThat(q.processed()).hasSize(1);
      assertThat(q.failed()).hasSize(1);
      String winner = q.processed().get(0);
      String loser = q.failed().get(0);
      JobRecord record = q.record("job-dup").orElseThrow();
      assertThat(record.manifest()).isEqualTo(winner);
      assertThat(record.state()).isEqualTo(JobState.COMPLETED);
      String loserVm = loser.substring(0, loser.indexOf('.'));
      assertThat(TestQueue.read(q.outputs(loserVm).errorFile()).lines().findFirst()).hasValue(
          "job id job-dup is already used by " + winner + "; give each manifest its own metadata.job_id");
      assertThat(q.records()).extracting(JobRecord::jobId).isEqualTo(List.of("job-dup"));
      assertThat(d.term()).isZero();
    }
  }
}
