package io.hypersdk.apps.hypervisord;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** A job's pipeline options reach the pipeline: the converter path, fix and boot check, and the daemon timeout. */
class JobOptionsTest extends DaemonTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void hyper2kvmPathRunsThatConverterInDirectMode() throws Exception {
    Path args = work.resolve("converter-args");
    Path converter = work.resolve("my-hyper2kvm");
    Files.writeString(converter, "#!/bin/sh\necho \"$@\" > '" + args + "'\necho 'Output: /converted/web01.qcow2'\n",
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(converter, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (Hypervisord d = Hypervisord.start(work, work.resolve("data"), configDir, bin)) {
      Api api = d.api();
      String id = submit(api, """
          {"vm_path": "%s", "output_dir": "%s", "provider": "local",
           "options": {"enable_pipeline": true, "hyper2kvm_path": "%s", "fix": false, "boot_check": "warn",
                       "boot_check_timeout": 120}}
          """.formatted(ova, work.resolve("export"), converter));
      JsonNode r = awaitStatus(api, id, "completed").path("result");
      assertThat(r.path("pipeline_mode").asText()).isEqualTo("direct");
      assertThat(r.path("pipeline_reason").asText()).isEqualTo("daemon mode not requested");
      assertThat(r.path("converter").asText()).contains(converter.toString());
      assertThat(r.path("outputs").get(0).asText()).isEqualTo("/converted/web01.qcow2");
      assertThat(Files.readString(args, StandardCharsets.UTF_8).strip())
          .isEqualTo(work.resolve("export").resolve("artifact-manifest.json").toString());
      assertThat(api.get("/jobs/" + id + "/logs").json().path("lines").findValuesAsText("message"))
          .contains("Output: /converted/web01.qcow2");
      JsonNode stages = JSON.readTree(work.resolve("export").resolve("artifact-manifest.json").toFile())
          .path("pipeline");
      assertThat(stages.path("fix").path("enabled").asBoolean(true)).as("%s", stages).isFalse();
      assertThat(stages.path("boot_check").path("mode").asText()).isEqualTo("warn");
      assertThat(stages.path("boot_check").path("timeout_seconds").asInt()).isEqualTo(120);
    }
  }

  @Test
  void theDaemonTimeoutEndsTheWaitAndWithdrawsTheManifest() throws Exception {
    systemctl("active", 0);
    Path watch = dir("queue");
    Path output = dir("converted");
    try (Hypervisord d = Hypervisord.start(work, work.resolve("data"), configDir, bin)) {
      Api api = d.api();
      String id = submit(api, """
          {"vm_path": "%s", "output_dir": "%s", "provider": "local",
           "options": {"enable_pipeline": true, "hyper2kvm_daemon": true, "hyper2kvm_watch_dir": "%s",
                       "hyper2kvm_output_dir": "%s", "hyper2kvm_poll_interval": 0.1,
                       "hyper2kvm_daemon_timeout": 0.02}}
          """.formatted(ova, work.resolve("export"), watch, output));
      JsonNode job = awaitStatus(api, id, "failed");
      assertThat(job.path("error").asText()).startsWith("timed out after 1.2 s waiting for the daemon")
          .contains("withdrawn");
      assertThat(job.path("result").path("pipeline_mode").asText()).isEqualTo("daemon");
      assertThat(job.path("result").path("daemon_job_state").asText()).isEqualTo("withdrawn");
      assertThat(pending(watch)).isEmpty();
    }
  }
}
