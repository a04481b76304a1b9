package io.hypersdk.apps.hyperexport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.testing.SystemctlStandIn;
import org.junit.jupiter.api.Test;

/** Waiting for a daemon that never takes the job: the timeout takes the manifest back. */
class WaitingTest extends EndToEndTest {

  private String[] args(Queue q, String... more) {
    java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of("--provider", "local", "--vm",
        vm.ova().toString(), "--output", work.resolve("export").toString(), "--pipeline", "--no-fix", "--hyper2kvm-daemon",
        "--hyper2kvm-watch-dir", q.watch().toString(), "--hyper2kvm-output-dir", q.output().toString(),
        "--hyper2kvm-poll-interval", "0.2"));
    a.addAll(java.util.List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void aTimeoutWithdrawsTheManifest() {
    SystemctlStandIn.install(bin()).answerAll("active", 0);
    Queue q = queue("q");

    Result r = tools.hyperexport(args(q, "--hyper2kvm-daemon-timeout", "0.05", "--json"));

    assertThat(r.exit()).as("%s", r).isEqualTo(7);
    assertThat(r.waitedMs()).as("waited the 3 s timeout").isGreaterThanOrEqualTo(3000);
    JsonNode j = r.json();
    assertThat(j.path("success").asBoolean(true)).isFalse();
    assertThat(j.path("failed_step").asText()).isEqualTo("pipeline");
    assertThat(j.path("pipeline").path("job_state").asText()).isEqualTo("withdrawn");
    assertThat(j.path("error").asText()).contains("timed out after 3.0 s").contains("withdrawn");
    assertThat(pendingManifests(q.watch())).as("the watch dir's top level").isEmpty();
    assertThat(names(q.watch())).noneMatch(n -> n.contains("withdrawn") || n.endsWith(".json"));
    assertNoStackTrace(r);
  }
}
