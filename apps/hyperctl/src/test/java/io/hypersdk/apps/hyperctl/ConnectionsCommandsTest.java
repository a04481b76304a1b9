package io.hypersdk.apps.hyperctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypersdk.apps.hypervisord.Hypervisord;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.providers.vsphere.testing.Vcsim;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hyperctl connections list|test} and {@code hyperctl jobs submit --connection} against a real hypervisord
 * whose config names connections to the vCenter simulator; the password shows nowhere.
 */
@Timeout(240)
class ConnectionsCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String VM = "/DC0/vm/DC0_H0_VM0";

  @TempDir
  Path work;

  @Test
  void listsAndTestsConnectionsAndSubmitsAJobByConnection() throws Exception {
    Path secrets = Files.createDirectories(work.resolve("secrets"));
    Files.writeString(secrets.resolve("lab"), Vcsim.PASSWORD + "\n", StandardCharsets.UTF_8);
    Files.writeString(secrets.resolve("bad"), "not-the-password\n", StandardCharsets.UTF_8);
    try (Vcsim sim = Vcsim.start(work.resolve("sim"))) {
      sim.putDisk(VM, 0, TestDisks.vmdkStreamOptimized(TestDisks.raw(Files.createDirectories(work.resolve("raw")),
          "boot", 16, 43)));
      Path config = work.resolve("hypervisord.yaml");
      Files.writeString(config, """
          connections:
            lab: {provider: vsphere, url: "%s", username: %s, password_file: %s, power_off: true}
            bad: {provider: vsphere, url: "%s", username: %s, password_file: %s}
          """.formatted(sim.url(), Vcsim.USER, secrets.resolve("lab"), sim.url(), Vcsim.USER, secrets.resolve("bad")),
          StandardCharsets.UTF_8);
      try (Hypervisord d = Hypervisord.start(work, work.resolve("data"),
          Files.createDirectories(work.resolve("etc-hyper2kvm")), null, "--config", config.toString())) {
        Path token = work.resolve("token");
        Files.writeString(token, d.token + "\n", StandardCharsets.UTF_8);
        String url = "http://127.0.0.1:" + d.port;

        Ctl.Result list = Ctl.run("connections", "list", "--url", url, "--token-file", token.toString());
        assertThat(list.exit()).as(list.all()).isZero();
        assertThat(list.out()).contains("NAME", "PROVIDER", "lab", "bad", "vsphere", "username=" + Vcsim.USER,
            "power_off=true", "password");
        JsonNode json = JSON.readTree(Ctl.run("connections", "list", "--json", "--url", url, "--token-file",
            token.toString()).out());
        assertThat(json.findValuesAsText("name")).containsExactly("bad", "lab");

        Ctl.Result ok = Ctl.run("connections", "test", "lab", "--url", url, "--token-file", token.toString());
        assertThat(ok.exit()).as(ok.all()).isZero();
        assertThat(ok.out()).startsWith("lab: ok, VMware");
        Ctl.Result refused = Ctl.run("connections", "test", "bad", "--url", url, "--token-file", token.toString());
        assertThat(refused.exit()).isEqualTo(6);
        assertThat(refused.err().strip()).isEqualTo("hyperctl: bad: vCenter at "
            + java.net.URI.create(sim.url()).getAuthority() + " rejected the login of " + Vcsim.USER
            + ": wrong user name or password");
        Ctl.Result missing = Ctl.run("connections", "test", "nope", "--url", url, "--token-file", token.toString());
        assertThat(missing.exit()).isEqualTo(3);
        assertThat(missing.err()).contains("404").contains("no such connection: nope");

        Ctl.Result secret = Ctl.run("jobs", "submit", "--url", url, "--token-file", token.toString(), "--vm", VM,
            "--output", work.resolve("export-x").toString(), "--setting", "password=given-on-a-command-line");
        assertThat(secret.exit()).isEqualTo(2);
        assertThat(secret.err()).contains("--setting password is a secret");

        Ctl.Result unknown = Ctl.run("jobs", "submit", "--url", url, "--token-file", token.toString(), "--vm", VM,
            "--output", work.resolve("export-y").toString(), "--connection", "nope");
        assertThat(unknown.exit()).isEqualTo(11);
        assertThat(unknown.err()).contains("connection: no connection named 'nope' is configured");

        Ctl.Result submitted = Ctl.run("jobs", "submit", "--url", url, "--token-file", token.toString(), "--vm", VM,
            "--output", work.resolve("export").toString(), "--connection", "lab", "--setting", "parallel=2",
            "--pipeline", "--no-fix"); // the simulator's disks hold no operating system, which the fix refuses
        assertThat(submitted.exit()).as(submitted.all()).isZero();
        Matcher m = Pattern.compile("submitted (\\S+)").matcher(submitted.out());
        assertThat(m.find()).isTrue();
        String id = m.group(1);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300)).until(() -> {
          String s = d.api().get("/jobs/" + id).json().path("status").asText();
          assertThat(s).isNotIn("failed", "cancelled");
          return s.equals("completed");
        });
        Ctl.Result shown = Ctl.run("jobs", "show", id, "--json", "--url", url, "--token-file", token.toString());
        JsonNode def = JSON.readTree(shown.out()).path("definition");
        assertThat(def.path("connection").asText()).isEqualTo("lab");
        assertThat(def.path("provider").asText()).isEqualTo("vsphere");
        assertThat(def.path("settings").path("parallel").asText()).isEqualTo("2");

        for (Ctl.Result r : List.of(list, ok, refused, missing, secret, unknown, submitted, shown)) {
          assertThat(r.all()).doesNotContain(Vcsim.PASSWORD).doesNotContain(d.token);
        }
        assertThat(d.output()).doesNotContain(Vcsim.PASSWORD);
      }
    }
  }
}
