package io.hypersdk.apps.hyperconvert.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.Disk;
import io.hypersdk.queue.JobRecord;
import io.hypersdk.queue.JobState;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed job: VM.error with the reason first, a failed record, the manifest in .failed, nothing half-written. */
class DaemonFailureTest {
  @TempDir
  Path tmp;

  @Test
  void aConversionFailureWritesTheErrorFileAndFailedRecordAndLeavesNoPartialOutputs() throws IOException {
    Tools.require("qemu-img", "qemu-utils");
    TestQueue q = new TestQueue(tmp);
    Path boot = q.disk("fail-boot", 8, 61);
    Path notQcow2 = q.disk("fail-data", 4, 62);
    // The boot disk converts; the data disk claims to be qcow2 but holds raw bytes, so qemu-img fails on it
    // after the boot disk was staged.
    ArtifactManifest manifest = TestDisks.manifest("fail-vm", "job-fail", List.of(
        TestDisks.disk("disk0", boot, "raw", 0), TestDisks.disk("data1", notQcow2, "qcow2", 1)));

    try (QueueDaemon d = q.start("failure")) {
      d.awaitHeartbeat();
      q.submit(manifest, "fail-vm.json");
      JobRecord record = q.awaitRecord("job-fail", JobState.FAILED, d);

      List<String> error = TestQueue.read(q.outputs("fail-vm").errorFile()).lines().toList();
      String reason = error.get(0);
      assertThat(reason).as("first line of fail-vm.error").contains("qemu-img could not convert")
          .contains(notQcow2.toString());
      assertThat(error).contains("job_id: job-fail", "manifest: fail-vm.json", "daemon: " + d.owner());
      assertThat(record.error()).isEqualTo(reason);
      assertThat(record.jobId()).isEqualTo("job-fail");
      assertThat(record.vmName()).isEqualTo("fail-vm");
      assertThat(record.manifest()).isEqualTo("fail-vm.json");
      assertThat(record.daemon()).isEqualTo(d.owner());
      assertThat(record.result()).isNull();

      // Nothing of the job under a final name, and its staging folder is gone.
      assertThat(q.outputsStartingWith("fail-vm")).containsExactly("fail-vm.error");
      assertThat(q.staging()).isEmpty();
      // The record comes first (a crash between the two must not lose it), the manifest is filed just after.
      QueueDaemon.await("the manifest is filed in .failed", QueueDaemon.TIMEOUT,
          () -> q.failed().contains("fail-vm.json"), d);
      assertThat(q.failed()).containsExactly("fail-vm.json");
      assertThat(q.processed()).isEmpty();
      assertThat(q.processing()).isEmpty();
      assertThat(q.pending()).isEmpty();

      // A later success for the same VM replaces the error with outputs.
      Disk goodData = TestDisks.disk("data1", notQcow2, "raw", 1);
      q.submit(TestDisks.manifest("fail-vm", "job-fixed", List.of(TestDisks.disk("disk0", boot, "raw", 0), goodData)),
          "fail-vm.fixed.json");
      q.awaitRecord("job-fixed", JobState.COMPLETED, d);
      assertThat(q.outputsStartingWith("fail-vm")).containsExactlyInAnyOrder("fail-vm.qcow2", "fail-vm-data1.qcow2",
          "fail-vm.xml", "fail-vm.result.json");
      assertThat(q.record("job-fail").orElseThrow().state()).isEqualTo(JobState.FAILED);
      assertThat(d.term()).isZero();
    }
  }
}
