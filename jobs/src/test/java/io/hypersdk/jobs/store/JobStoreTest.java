package io.hypersdk.jobs.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.jobs.model.JobDefinition;
import io.hypersdk.jobs.model.JobOptions;
import io.hypersdk.jobs.model.JobProgress;
import io.hypersdk.jobs.model.JobStatus;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's state changes happen only from the states they belong to, and survive reopening. */
class JobStoreTest {
  @TempDir
  Path dir;

  private static JobDefinition def(String id) {
    return new JobDefinition(id, id, "/vms/" + id + ".ova", "/exports/" + id, "ovf", "local", null, null, null,
        JobOptions.NONE, JobStore.now());
  }

  @Test
  void statusChangesOnlyFromTheirStates() {
    try (JobStore s = JobStore.open(dir.resolve("jobs.db"))) {
      s.insert(def("a"));
      assertThat(s.claim("a")).isTrue();
      assertThat(s.claim("a")).as("claimed once").isFalse();
      assertThat(s.cancelPending("a", "x")).as("running is not pending").isFalse();
      s.progress("a", new JobProgress("export", 25, 10, 40, 3L));
      assertThat(s.get("a").orElseThrow().progress().percentComplete()).isEqualTo(25);
      assertThat(s.finish("a", JobStatus.COMPLETED, JobProgress.phase("completed", 100), null, null)).isTrue();
      assertThat(s.finish("a", JobStatus.FAILED, JobProgress.phase("failed", 0), null, "late")).isFalse();
      assertThat(s.get("a").orElseThrow().status()).isEqualTo("completed");

      s.insert(def("b"));
      assertThat(s.cancelPending("b", "cancelled by request")).isTrue();
      assertThat(s.claim("b")).as("a cancelled job never starts").isFalse();
      assertThat(s.counts()).containsEntry(JobStatus.COMPLETED, 1L).containsEntry(JobStatus.CANCELLED, 1L)
          .containsEntry(JobStatus.PENDING, 0L);
    }
  }

  @Test
  void reopeningKeepsJobsAndLogsAndFailsTheInterruptedOnes() {
    Path file = dir.resolve("jobs.db");
    try (JobStore s = JobStore.open(file)) {
      s.insert(def("done"));
      s.claim("done");
      s.finish("done", JobStatus.COMPLETED, JobProgress.phase("completed", 100), null, null);
      s.insert(def("cut"));
      s.claim("cut");
      s.appendLog("cut", "INFO", "exporting");
      s.insert(def("waiting"));
    }
    try (JobStore s = JobStore.open(file)) {
      assertThat(s.failInterrupted()).containsExactly("cut");
      assertThat(s.get("cut").orElseThrow().error()).isEqualTo(JobStore.INTERRUPTED);
      assertThat(s.logs("cut")).extracting(l -> l.message()).containsExactly("exporting", JobStore.INTERRUPTED);
      assertThat(s.pendingIds()).containsExactly("waiting");
      assertThat(s.list(null, 10)).extracting(j -> j.id()).containsExactly("waiting", "cut", "done");
      assertThat(s.list(JobStatus.COMPLETED, 10)).extracting(j -> j.id()).isEqualTo(List.of("done"));
    }
  }
}
