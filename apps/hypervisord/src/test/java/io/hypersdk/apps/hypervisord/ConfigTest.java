package io.hypersdk.apps.hypervisord;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.testing.JavaProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The config file and flags, as an operator meets them: values taken, mistakes named, exit 78. */
@Timeout(120)
class ConfigTest {
  @TempDir
  Path work;

  @Test
  void theConfigFileSetsTheTokenFileBodyLimitAndOutputRoots() throws Exception {
    Path token = work.resolve("token");
    Files.writeString(token, "file-token-0123456789abcdef\n", StandardCharsets.UTF_8);
    Path exports = Files.createDirectories(work.resolve("exports"));
    Path config = work.resolve("hypervisord.yaml");
    Files.writeString(config, """
        listen: 127.0.0.1:0
        data_dir: %s
        max_concurrent_jobs: 3
        api_token_file: %s
        max_body_size: 2k
        output_roots: [%s]
        """.formatted(work.resolve("data"), token, exports), StandardCharsets.UTF_8);
    try (JavaProcess p = JavaProcess.start(work.resolve("logs"), "hypervisord", HYPERVISORD, List.of("--config",
        config.toString()), Map.of("HYPER2KVM_CONFIG_DIR", work.toString()), null)) {
      int port = waitForPort(p);
      Api api = new Api(port, "file-token-0123456789abcdef");
      assertThat(api.get("/status").status()).isEqualTo(200);
      assertThat(api.post("/jobs/submit", "{\"vm_path\": \"" + "x".repeat(3000) + "\"}").status()).isEqualTo(413);
      Api.Response outside = api.post("/jobs/submit", "{\"vm_path\": \"/vm.ova\", \"provider\": \"local\", "
          + "\"output_dir\": \"/tmp/elsewhere\"}");
      assertThat(outside.status()).isEqualTo(400);
      assertThat(outside.json().path("error").asText()).contains(exports.toString());
      assertThat(api.get("/metrics").body()).contains("hypervisord_max_concurrent_jobs 3");
      assertThat(Files.exists(work.resolve("data").resolve("api-token"))).as("no token generated").isFalse();
      assertThat(p.stdout()).contains(token.toString()).doesNotContain("file-token-0123456789abcdef");
    }
  }

  @Test
  void theTokenFromTheEnvironmentWinsAndIsNeverPrinted() throws Exception {
    try (JavaProcess p = JavaProcess.start(work.resolve("logs"), "hypervisord", HYPERVISORD, List.of("--listen",
        "127.0.0.1:0", "--data-dir", work.resolve("data").toString()),
        Map.of("HYPERVISORD_API_TOKEN", "env-token-0123456789abcdef", "HYPER2KVM_CONFIG_DIR", work.toString()),
        null)) {
      int port = waitForPort(p);
      assertThat(new Api(port, "env-token-0123456789abcdef").get("/jobs").status()).isEqualTo(200);
      assertThat(p.stdout() + p.stderr()).contains("HYPERVISORD_API_TOKEN").doesNotContain("env-token-0123456789");
    }
  }

  @Test
  void mistakesAreNamedAndExit78() throws Exception {
    Path config = work.resolve("bad.yaml");
    Files.writeString(config, "listen: 127.0.0.1:0\nmax_jobs: 4\n", StandardCharsets.UTF_8);
    assertThat(run("--config", config.toString())).contains("unknown key 'max_jobs'");
    assertThat(run("--listen", "localhost")).contains("listen: 'localhost' must be HOST:PORT");
    assertThat(run("--max-concurrent-jobs", "0")).contains("max_concurrent_jobs: must be from 1 to 256");
    assertThat(run("--max-body-size", "lots")).contains("max_body_size: 'lots' is not a size");
    assertThat(run("--output-root", "relative")).contains("output_roots: 'relative' must be an absolute path");
    assertThat(run("--api-token-file", work.resolve("none").toString())).contains("api_token_file:");
    Path inline = work.resolve("inline-secret.yaml");
    Files.writeString(inline, "connections:\n  prod: {provider: vsphere, url: vc, password: Inline-Secret-1}\n",
        StandardCharsets.UTF_8);
    assertThat(run("--config", inline.toString())).isEqualTo("hypervisord: connections.prod.password: secrets come "
        + "only from files here; use password_file\n");
    Path typo = work.resolve("typo.yaml");
    Files.writeString(typo, "connections:\n  prod: {provider: vsphere, url: vc, paralel: 4}\n", StandardCharsets.UTF_8);
    assertThat(run("--config", typo.toString())).startsWith("hypervisord: connections.prod.paralel: unknown setting "
        + "of provider vsphere (known: url, username, password,");
  }

  private String run(String... args) throws Exception {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("--data-dir", work.resolve("data-bad").toString()));
    JavaProcess p = JavaProcess.start(work.resolve("logs"), "bad", HYPERVISORD, all, Map.of(), null);
    assertThat(p.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.process().exitValue()).as(p.stderr()).isEqualTo(78);
    return p.stderr();
  }

  static final String HYPERVISORD = "io.hypersdk.apps.hypervisord.HyperVisord";

  private static int waitForPort(JavaProcess p) {
    int[] port = {0};
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
        .failFast("exited: " + p.stderr(), () -> !p.isAlive())
        .until(() -> {
          var m = java.util.regex.Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)").matcher(p.stdout());
          if (m.find()) {
            port[0] = Integer.parseInt(m.group(1));
          }
          return port[0] > 0;
        });
    return port[0];
  }
}
