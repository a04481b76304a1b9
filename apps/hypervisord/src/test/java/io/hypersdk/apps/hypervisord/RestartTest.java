package io.hypersdk.apps.hypervisord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The store keeps every job across restarts: history stays, and a job running when the daemon stopped
 * (SIGTERM) or died (SIGKILL) is failed as "interrupted by daemon restart", never silently lost. Also the
 * generated token: mode 0600, the same after a restart, never printed.
 */
class RestartTest extends DaemonTestBase {

  @Test
  void historySurvivesAndRunningJobsAreMarkedInterrupted() throws Exception {
    systemctl("active", 0);
    Path watch = dir("queue");
    Path output = dir("converted");
    Path data = work.resolve("data");
    String waitingJob = """
        {"vm_path": "%s", "output_dir": "%s", "provider": "local",
         "options": {"enable_pipeline": true, "hyper2kvm_daemon": true, "hyper2kvm_watch_dir": "%s",
                     "hyper2kvm_output_dir": "%s", "hyper2kvm_poll_interval": 0.2}}
        """;
    String failed;
    String stopped;
    String token;
    try (Hypervisord d = Hypervisord.start(work, data, configDir, bin)) {
      token = d.token;
      assertThat(perms(data.resolve("api-token"))).containsExactly("rw-------");
      assertThat(d.output()).contains(data.resolve("api-token").toString()).doesNotContain(token);
      Api api = d.api();
      failed = submit(api, """
          {"vm_path": "%s", "output_dir": "%s", "provider": "local"}
          """.formatted(work.resolve("missing.ova"), work.resolve("export-0")));
      awaitStatus(api, failed, "failed");
      stopped = submit(api, waitingJob.formatted(ova, work.resolve("export-1"), watch, output));
      awaitStatus(api, stopped, "running");
      await().atMost(Duration.ofSeconds(60)).until(() -> pending(watch).size() == 1);
      assertThat(d.process.stop()).isZero();
    }
    assertThat(pending(watch)).as("a stop withdraws the manifest of an interrupted job").isEmpty();

    String crashed;
    try (Hypervisord d = Hypervisord.start(work, data, configDir, bin)) {
      assertThat(d.token).as("the generated token is kept").isEqualTo(token);
      Api api = d.api();
      JsonNode f = api.get("/jobs/" + failed).json();
      assertThat(f.path("status").asText()).isEqualTo("failed");
      assertThat(f.path("error").asText()).contains("missing.ova");
      JsonNode s = api.get("/jobs/" + stopped).json();
      assertThat(s.path("status").asText()).isEqualTo("failed");
      assertThat(s.path("error").asText()).isEqualTo("interrupted by daemon restart");
      assertThat(api.get("/jobs/" + stopped + "/logs").json().path("lines").findValuesAsText("message"))
          .contains("the daemon is stopping; the job was interrupted", "interrupted by daemon restart");
      crashed = submit(api, waitingJob.formatted(ova, work.resolve("export-2"), watch, output));
      awaitStatus(api, crashed, "running");
      d.process.kill();
    }

    try (Hypervisord d = Hypervisord.start(work, data, configDir, bin)) {
      Api api = d.api();
      JsonNode c = api.get("/jobs/" + crashed).json();
      assertThat(c.path("status").asText()).isEqualTo("failed");
      assertThat(c.path("error").asText()).isEqualTo("interrupted by daemon restart");
      JsonNode all = api.get("/jobs").json();
      assertThat(all.path("total").asInt()).isEqualTo(3);
      assertThat(all.path("jobs").get(0).path("id").asText()).as("newest first").isEqualTo(crashed);
      assertThat(api.get("/jobs?limit=1").json().path("jobs").size()).isEqualTo(1);
      JsonNode status = api.get("/status").json();
      assertThat(status.path("failed_jobs").asLong()).isEqualTo(3);
      assertThat(status.path("running_jobs").asLong()).isZero();
    }
  }
}
