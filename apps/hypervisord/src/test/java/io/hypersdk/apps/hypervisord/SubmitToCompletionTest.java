package io.hypersdk.apps.hypervisord;

import io.hypersdk.testing.QueueDaemon;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The whole way: a job submitted over HTTP is exported by the local provider, its manifest queued to a
 * running {@code hyperconvert daemon} (found by its heartbeat), converted, and the domain defined in libvirt;
 * its events stream live.
 */
class SubmitToCompletionTest extends DaemonTestBase {

  @Test
  void aJobRunsThroughTheQueueDaemonToCompletion() throws Exception {
    systemctl("inactive", 3);
    Path watch = dir("queue");
    Path output = dir("converted");
    QueueDaemon.writeConfig(configDir, "demo", watch, output);
    Path data = work.resolve("data");
    try (QueueDaemon queueDaemon = QueueDaemon.startInstance(configDir, "demo", work.resolve("logs"));
        Hypervisord d = Hypervisord.start(work, data, configDir, bin)) {
      Api api = d.api();
      List<String> events = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> stream = listen(api, "/events", events);

      String job = """
          {"name": "web01 migration", "vm_path": "%s", "output_dir": "%s", "format": "ova", "provider": "local",
           "options": {"enable_pipeline": true, "hyper2kvm_daemon": true, "hyper2kvm_instance": "demo",
                       "hyper2kvm_poll_interval": 0.2, "hyper2kvm_daemon_timeout": 2,
                       "libvirt_integration": true, "libvirt_uri": "test:///default", "fix": false}}
          """.formatted(ova, work.resolve("export"));
      String id = submit(api, job);
      JsonNode done = awaitStatus(api, id, "completed");

      JsonNode result = done.path("result");
      assertThat(result.path("pipeline_mode").asText()).as("%s", done).isEqualTo("daemon");
      assertThat(result.path("pipeline_reason").asText()).contains("heartbeat");
      assertThat(result.path("daemon_job_state").asText()).isEqualTo("completed");
      assertThat(result.path("outputs").get(0).asText()).isEqualTo(output.resolve("web01.qcow2").toString());
      assertThat(output.resolve("web01.qcow2")).isRegularFile();
      assertThat(result.path("libvirt_defined").asBoolean()).as("%s", result).isTrue();
      assertThat(result.path("libvirt_domain").asText()).isEqualTo("web01");
      assertThat(done.path("progress").path("percent_complete").asDouble()).isEqualTo(100.0);
      assertThat(done.path("definition").path("options").path("hyper2kvm_instance").asText()).isEqualTo("demo");
      assertThat(done.path("definition").path("options").path("fix").asBoolean(true)).isFalse();
      assertThat(done.path("definition").has("credentials")).isFalse();
      assertThat(done.path("started_at").asText()).isNotEmpty();
      assertThat(done.path("completed_at").asText()).isNotEmpty();
      assertThat(pending(watch)).isEmpty();

      JsonNode logs = api.get("/jobs/" + id + "/logs").json();
      assertThat(logs.path("lines").findValuesAsText("message")).anyMatch(m -> m.startsWith("submitted "))
          .anyMatch(m -> m.startsWith("defined libvirt domain web01"));

      // The job's own stream of a finished job: its state, then the end.
      List<String> own = new CopyOnWriteArrayList<>();
      listen(api, "/jobs/" + id + "/events", own).get(20, TimeUnit.SECONDS);
      assertThat(own).anyMatch(l -> l.equals("event: job"));

      // The global stream saw the job go through its phases live.
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
          .until(() -> events.stream().anyMatch(l -> l.contains("\"completed\"")));
      assertThat(events).contains("event: status", "event: progress", "event: log");
      stream.cancel(true);

      JsonNode status = api.get("/status").json();
      assertThat(status.path("completed_jobs").asLong()).isEqualTo(1);
      assertThat(status.path("total_jobs").asLong()).isEqualTo(1);

      // The daemon files the manifest under .processed just after it writes the record the job waited for.
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> api
          .get("/hyper2kvm/instances").json().path("instances").path(0).path("queue").path("processed")
          .asLong() == 1);
      JsonNode instances = api.get("/hyper2kvm/instances").json().path("instances");
      assertThat(instances.size()).isEqualTo(1);
      assertThat(instances.get(0).path("name").asText()).isEqualTo("demo");
      assertThat(instances.get(0).path("active").asBoolean()).isTrue();
      assertThat(instances.get(0).path("active_reason").asText()).contains("heartbeat");
      assertThat(instances.get(0).path("queue").path("processed").asLong()).isEqualTo(1);
      assertThat(instances.get(0).path("heartbeat").path("fresh").asBoolean()).isTrue();

      String metrics = api.get("/metrics").body();
      assertThat(metrics).contains("hypervisord_jobs{status=\"completed\"} 1");

      // Secrets sent with jobs are checked against the vCenter simulator (VsphereJobsTest); the token never shows.
      assertThat(d.output()).doesNotContain(d.token);
    }
  }

  /** Reads an event stream's lines into {@code lines} until it ends or is cancelled. */
  static CompletableFuture<Void> listen(Api api, String path, List<String> lines) throws Exception {
    HttpResponse<InputStream> r = api.http().send(api.request(path).header("Accept", "text/event-stream").GET()
        .build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    return CompletableFuture.runAsync(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
        }
      } catch (Exception ended) {
        // Cancelled or the server closed the stream.
      }
    });
  }
}
