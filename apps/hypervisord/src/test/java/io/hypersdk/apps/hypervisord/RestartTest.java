package io.hypersdk.apps.hypervisord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The store keeps every job across restarts: history stays, and a job running when the daemon stopped
 * (SIGTERM) or died (SIGKILL) is failed as "interrupted by daemon restart", never silently lost; a pending
 * one is queued again, unless it needed a password (held in memory only). Also the
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
    String requeued;
    String withPassword;
    String token;
    try (Hypervisord d = Hypervisord.start(work, data, configDir, bin, "--max-concurrent-jobs", "1")) {
      token = d.token;
      assertThat(perms(data.resolve("api-token"))).containsExactly("rw-------");
      assertThat(perms(data)).containsExactly("rwx------");
      assertThat(d.output()).contains(data.resolve("api-token").toString()).doesNotContain(token);
      Api api = d.api();
      failed = submit(api, """
          {"vm_path": "%s", "output_dir": "%s", "provider": "local"}
          """.formatted(work.resolve("missing.ova"), work.resolve("export-0")));
      awaitStatus(api, failed, "failed");
      stopped = submit(api, waitingJob.formatted(ova, work.resolve("export-1"), watch, output));
      awaitStatus(api, stopped, "running");
      await().atMost(Duration.ofSeconds(60)).until(() -> pending(watch).size() == 1);
      // Two more wait for the only slot: one is queued again after the restart, the other needs a password,
      // which was held in memory only.
      requeued = submit(api, waitingJob.formatted(ova, work.resolve("export-2"), watch, output));
      withPassword = submit(api, """
          {"vm_path": "/DC0/vm/DC0_H0_VM0", "output_dir": "%s", "provider": "vsphere",
           "vcenter": {"server": "https://127.0.0.1:1/sdk", "username": "admin", "password": "%s"}}
          """.formatted(work.resolve("export-3"), PASSWORD));
      assertThat(api.get("/jobs/" + requeued).json().path("status").asText()).isEqualTo("pending");
      assertThat(d.process.stop()).isZero();
    }
    assertThat(pending(watch)).as("a stop withdraws the manifest of an interrupted job").isEmpty();

    try (Hypervisord d = Hypervisord.start(work, data, configDir, bin, "--max-concurrent-jobs", "1")) {
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
      JsonNode p = api.get("/jobs/" + withPassword).json();
      assertThat(p.path("status").asText()).isEqualTo("failed");
      assertThat(p.path("error").asText()).contains("password was held in memory only");
      awaitStatus(api, requeued, "running");
      d.process.kill();
    }

    try (Hypervisord d = Hypervisord.start(work, data, configDir, bin)) {
      Api api = d.api();
      JsonNode c = api.get("/jobs/" + requeued).json();
      assertThat(c.path("status").asText()).isEqualTo("failed");
      assertThat(c.path("error").asText()).isEqualTo("interrupted by daemon restart");
      JsonNode all = api.get("/jobs").json();
      assertThat(all.path("total").asInt()).isEqualTo(4);
      assertThat(all.path("jobs").get(0).path("id").asText()).as("newest first").isEqualTo(withPassword);
      assertThat(api.get("/jobs?limit=1").json().path("jobs").size()).isEqualTo(1);
      JsonNode status = api.get("/status").json();
      assertThat(status.path("failed_jobs").asLong()).isEqualTo(4);
      assertThat(status.path("running_jobs").asLong()).isZero();
    }
  }
}
