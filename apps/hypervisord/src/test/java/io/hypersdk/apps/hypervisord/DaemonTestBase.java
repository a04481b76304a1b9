package io.hypersdk.apps.hypervisord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.testing.SampleVms;
import io.hypersdk.testing.SystemctlStandIn;
import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the tests that run hypervisord as a process: the sample OVA (built once per class), a work folder
 * per test, an empty hyper2kvm config dir, and a bin folder for a systemctl stand-in. The sample disks hold
 * no operating system, which the converter's fix stage refuses, so jobs that convert them say {@code "fix": false}.
 */
@Timeout(180)
abstract class DaemonTestBase {
  /** What the tests send as a password; it must never come back. */
  static final String PASSWORD = "Pw-7f3a9c-never-echo";
  /** The sample VM: one 8 MiB disk in {@code web01.ova}. */
  static final String VM = "web01";

  @TempDir
  static Path sampleDir;
  static Path ova;

  @TempDir
  Path work;
  Path configDir;
  Path bin;

  @BeforeAll
  static void buildSample() throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    ova = SampleVms.ova(sampleDir, VM, 8, 21);
  }

  @BeforeEach
  void folders() throws IOException {
    configDir = Files.createDirectories(work.resolve("etc-hyper2kvm"));
    bin = Files.createDirectories(work.resolve("bin"));
  }

  /** A systemctl that answers {@code answer} with exit code {@code exit}, whatever it is asked. */
  void systemctl(String answer, int exit) {
    SystemctlStandIn.install(bin).answerAll(answer, exit);
  }

  Path dir(String name) throws IOException {
    return Files.createDirectories(work.resolve(name));
  }

  static JsonNode awaitStatus(Api api, String id, String status) {
    JsonNode[] last = {null};
    await("job " + id + " to be " + status).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          last[0] = api.get("/jobs/" + id).json();
          String s = last[0].path("status").asText();
          if (!s.equals(status) && (s.equals("completed") || s.equals("failed") || s.equals("cancelled"))) {
            throw new AssertionError("job ended " + s + " instead of " + status + ": " + last[0]);
          }
          return s.equals(status);
        });
    return last[0];
  }

  static String submit(Api api, String json) {
    Api.Response r = api.post("/jobs/submit", json);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode ids = r.json().path("job_ids");
    assertThat(ids.size()).as(r.body()).isEqualTo(1);
    return ids.get(0).asText();
  }

  /** Manifests waiting at the top of a queue. */
  static List<String> pending(Path watch) throws IOException {
    try (Stream<Path> s = Files.list(watch)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".") && n.endsWith(".json")).toList();
    }
  }

  static Set<String> perms(Path p) throws IOException {
    return Set.of(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
  }
}
