package io.hypersdk.apps.hypervisord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Cancel really stops work: a job waiting for a daemon that systemd calls active but that never comes ends
 * cancelled with its manifest withdrawn from the queue; a job still waiting for a slot is cancelled at once;
 * an export is stopped mid-copy, leaving no partial file.
 */
class CancelTest extends DaemonTestBase {

  @Test
  void cancelStopsARunningJobAndWithdrawsItsManifestAndCancelsAPendingOne() throws Exception {
    systemctl("active", 0);
    Path watch = dir("queue");
    Path output = dir("converted");
    try (Hypervisord d = Hypervisord.start(work, work.resolve("data"), configDir, bin, "--max-concurrent-jobs", "1")) {
      Api api = d.api();
      String job = """
          {"vm_path": "%s", "output_dir": "%s", "provider": "local",
           "options": {"enable_pipeline": true, "hyper2kvm_daemon": true, "hyper2kvm_watch_dir": "%s",
                       "hyper2kvm_output_dir": "%s", "hyper2kvm_poll_interval": 0.2}}
          """;
      String running = submit(api, job.formatted(ova, work.resolve("export-1"), watch, output));
      await("the manifest in the queue").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
          .until(() -> pending(watch).size() == 1);
      JsonNode waiting = awaitStatus(api, running, "running");
      assertThat(waiting.path("progress").path("phase").asText()).isEqualTo("waiting for daemon");
      String queued = submit(api, job.formatted(ova, work.resolve("export-2"), watch, output));
      assertThat(api.get("/jobs/" + queued).json().path("status").asText()).isEqualTo("pending");

      JsonNode answer = api.postJson("/jobs/cancel", Map.of("job_ids", List.of(queued, running, "no-such-job")))
          .json();
      assertThat(answer.path("cancelled").findValuesAsText("")).isEmpty();
      assertThat(List.of(answer.path("cancelled").get(0).asText(), answer.path("cancelled").get(1).asText()))
          .containsExactly(queued, running);
      assertThat(answer.path("failed").get(0).asText()).isEqualTo("no-such-job");
      assertThat(answer.path("errors").path("no-such-job").asText()).isEqualTo("no such job");
      assertThat(answer.path("timestamp").asText()).isNotEmpty();

      assertThat(awaitStatus(api, queued, "cancelled").path("started_at").isMissingNode()).isTrue();
      JsonNode cancelled = awaitStatus(api, running, "cancelled");
      assertThat(cancelled.path("error").asText()).isEqualTo("cancelled by request");
      assertThat(pending(watch)).as("the manifest was withdrawn").isEmpty();
      assertThat(api.get("/jobs/" + running + "/logs").json().path("lines").findValuesAsText("message"))
          .anyMatch(m -> m.contains("withdrawn"));
      assertThat(api.postJson("/jobs/cancel", Map.of("job_ids", List.of(running))).json().path("errors")
          .path(running).asText()).contains("already ended (cancelled)");
      JsonNode list = api.get("/jobs?status=cancelled").json();
      assertThat(list.path("total").asInt()).isEqualTo(2);
    }
  }

  @Test
  void cancelStopsAnExportMidCopy() throws Exception {
    // A sparse 4 GiB disk: nothing to store, but seconds to copy, so the cancel lands mid-copy.
    Path huge = dir("big").resolve("huge.raw");
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(4L << 30);
    }
    Path out = work.resolve("export");
    try (Hypervisord d = Hypervisord.start(work, work.resolve("data"), configDir, bin)) {
      Api api = d.api();
      String id = submit(api, """
          {"vm_path": "%s", "output_dir": "%s", "provider": "local"}
          """.formatted(huge, out));
      List<String> events = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> stream = SubmitToCompletionTest.listen(api, "/jobs/" + id + "/events", events);
      await("the copy to be under way").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
          .until(() -> api.get("/jobs/" + id).json().path("progress").path("bytes_transferred").asLong() > 0);
      JsonNode p = api.get("/jobs/" + id).json().path("progress");
      assertThat(p.path("phase").asText()).isEqualTo("export");
      assertThat(p.path("total_bytes").asLong()).isEqualTo(4L << 30);
      assertThat(p.path("percent_complete").asDouble()).isBetween(0.0, 100.0);

      assertThat(api.postJson("/jobs/cancel", Map.of("job_ids", List.of(id))).json().path("cancelled").get(0)
          .asText()).isEqualTo(id);
      JsonNode job = awaitStatus(api, id, "cancelled");
      assertThat(job.path("progress").path("bytes_transferred").asLong()).isLessThan(4L << 30);
      stream.get(20, TimeUnit.SECONDS);
      assertThat(events).as("the job's stream ends with its final status").contains("event: status")
          .anyMatch(l -> l.contains("\"data\":\"cancelled\""));
      try (Stream<Path> left = Files.list(out)) {
        assertThat(left.toList()).as("no partial disk, no manifest").isEmpty();
      }
    }
  }
}
