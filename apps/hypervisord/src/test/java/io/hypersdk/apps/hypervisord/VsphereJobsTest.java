package io.hypersdk.apps.hypervisord;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.JavaProcess;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import io.hypersdk.jobs.model.JobJson;
import io.hypersdk.providers.vsphere.testing.Vcsim;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * vSphere jobs through a real hypervisord against the vCenter simulator: the design's Web API example, jobs by
 * named connection (also across a restart), a wrong password, and the provider list hyperexport shares.
 */
class VsphereJobsTest extends DaemonTestBase {
  /** Powered off in the simulator, so the design's example (which has no power_off) can export it. */
  static final String VM = "/DC0/vm/DC0_H0_VM0";
  /** A password that is wrong for the simulator; it must show nowhere either. */
  static final String WRONG = "Wrong-9d1e77-pw";

  Vcsim sim;
  Path secrets;

  @BeforeEach
  void simulator() throws IOException {
    sim = Vcsim.start(work.resolve("sim"), "-powered-off", VM);
    Path raw = TestDisks.raw(dir("raw"), "boot", 16, 41);
    sim.putDisk(VM, 0, TestDisks.vmdkStreamOptimized(raw));
    secrets = dir("secrets");
    Files.writeString(secrets.resolve("lab"), Vcsim.PASSWORD + "\n", StandardCharsets.UTF_8);
    Files.writeString(secrets.resolve("bad"), WRONG + "\n", StandardCharsets.UTF_8);
  }

  @AfterEach
  void stopSimulator() {
    sim.close();
  }

  /** hypervisord's config: two named connections to the simulator, the right and a wrong password file. */
  Path config() throws IOException {
    Path f = work.resolve("hypervisord.yaml");
    Files.writeString(f, """
        connections:
          lab:
            provider: vsphere
            url: %s
            username: %s
            password_file: %s
          bad:
            provider: vsphere
            url: %s
            username: %s
            password_file: %s
        """.formatted(sim.url(), Vcsim.USER, secrets.resolve("lab"), sim.url(), Vcsim.USER, secrets.resolve("bad")),
        StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void theDesignsWebApiExampleCompletesWithAQcow2() throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    systemctl("inactive", 3);
    Path watch = dir("vsphere-queue");
    Path output = dir("vsphere-output");
    QueueDaemon.writeConfig(configDir, "vsphere-prod", watch, output);
    // The example names no vCenter: the daemon reaches it through the govc environment, password included.
    Map<String, String> env = Map.of("GOVC_URL", sim.url(), "GOVC_USERNAME", Vcsim.USER,
        "HYPERSDK_VSPHERE_PASSWORD", Vcsim.PASSWORD);
    try (QueueDaemon queueDaemon = QueueDaemon.startInstance(configDir, "vsphere-prod", work.resolve("logs"));
        Hypervisord d = Hypervisord.start(work, work.resolve("data"), configDir, bin, env)) {
      String example = """
          {
            "name": "Ubuntu Server Migration",
            "vm_path": "%s",
            "output_dir": "%s",
            "format": "ova",
            "options": {
              "enable_pipeline": true,
              "hyper2kvm_daemon": true,
              "hyper2kvm_instance": "vsphere-prod",
              "hyper2kvm_watch_dir": "%s",
              "hyper2kvm_output_dir": "%s",
              "libvirt_integration": true,
              "fix": false
            }
          }
          """.formatted(VM, work.resolve("export"), watch, output);
      JsonNode done = awaitStatus(d.api(), curl(d, "/jobs/submit", example).path("job_ids").get(0).asText(),
          "completed");
      assertThat(done.path("definition").path("provider").asText()).isEqualTo("vsphere");
      assertThat(done.path("result").path("pipeline_mode").asText()).as("%s", done).isEqualTo("daemon");
      Path qcow2 = Path.of(done.path("result").path("outputs").get(0).asText());
      assertThat(qcow2.getParent()).isEqualTo(output);
      assertQemuImgCheckPasses(qcow2);
      assertThat(queueDaemon.isAlive()).isTrue();
    }
  }

  @Test
  void aJobByNamedConnectionStaysPendingAcrossARestartThenCompletes() throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    Path data = work.resolve("data");
    Path watch = dir("queue");
    String connectionJob = """
        {"vm_path": "%s", "output_dir": "%s", "connection": "lab", "settings": {"parallel": 2},
         "options": {"enable_pipeline": true, "fix": false}}
        """.formatted(VM, work.resolve("export-lab"));
    String id;
    try (Hypervisord d = Hypervisord.start(work, data, configDir, bin, "--config", config().toString(),
        "--max-concurrent-jobs", "1")) {
      // A daemon-mode job with no queue daemon holds the only slot, so the connection's job stays pending.
      String blocker = submit(d.api(), """
          {"vm_path": "%s", "output_dir": "%s", "provider": "local",
           "options": {"enable_pipeline": true, "hyper2kvm_daemon": true, "hyper2kvm_watch_dir": "%s",
                       "hyper2kvm_poll_interval": 0.2}}
          """.formatted(ova, work.resolve("export-blocker"), watch));
      awaitStatus(d.api(), blocker, "running");
      id = submit(d.api(), connectionJob);
      JsonNode pending = d.api().get("/jobs/" + id).json();
      assertThat(pending.path("status").asText()).isEqualTo("pending");
      assertThat(pending.path("definition").path("connection").asText()).isEqualTo("lab");
      assertThat(pending.path("definition").path("settings").path("parallel").asText()).isEqualTo("2");
      assertThat(pending.path("definition").has("credentials")).isFalse();
      assertThat(d.process.stop()).isZero();
    }
    try (Hypervisord d = Hypervisord.start(work, data, configDir, bin, "--config", config().toString())) {
      JsonNode done = awaitStatus(d.api(), id, "completed");
      assertThat(done.path("result").path("pipeline_mode").asText()).isEqualTo("direct");
      assertQemuImgCheckPasses(Path.of(done.path("result").path("outputs").get(0).asText()));
      assertThat(d.api().get("/jobs/" + id + "/logs").json().path("lines").findValuesAsText("message"))
          .anyMatch(m -> m.contains("(connection lab)"));
    }
  }

  @Test
  void aWrongPasswordFailsInOneLineAndNoSecretShowsAnywhere() throws Exception {
    Path data = work.resolve("data");
    List<String> answers = new ArrayList<>();
    try (Hypervisord d = Hypervisord.start(work, data, configDir, bin, "--config", config().toString())) {
      String byConnection = submit(d.api(), """
          {"vm_path": "%s", "output_dir": "%s", "connection": "bad"}
          """.formatted(VM, work.resolve("export-bad")));
      String inline = submit(d.api(), """
          {"vm_path": "%s", "output_dir": "%s", "provider": "vsphere",
           "vcenter": {"server": "%s", "username": "%s", "password": "%s"}}
          """.formatted(VM, work.resolve("export-inline"), sim.url(), Vcsim.USER, WRONG));
      for (String id : List.of(byConnection, inline)) {
        JsonNode failed = awaitStatus(d.api(), id, "failed");
        assertThat(failed.path("error").asText()).isEqualTo("vCenter at " + hostPort() + " rejected the login of "
            + Vcsim.USER + ": wrong user name or password");
      }
      JsonNode test = d.api().post("/connections/bad/test", "").json();
      assertThat(test.path("ok").asBoolean()).isFalse();
      assertThat(test.path("error").asText()).contains("rejected the login");
      JsonNode good = d.api().post("/connections/lab/test", "").json();
      assertThat(good.path("ok").asBoolean()).as("%s", good).isTrue();
      assertThat(good.path("server").asText()).contains("VMware");
      JsonNode vms = curl(d, "/providers/vsphere/vms", "{\"connection\": \"lab\"}");
      assertThat(vms.findValuesAsText("path")).contains(VM);
      assertThat(vms.get(0).has("power_state")).isTrue();
      JsonNode inlineVms = curl(d, "/providers/vsphere/vms", "{\"settings\": {\"url\": \"" + sim.url()
          + "\", \"username\": \"" + Vcsim.USER + "\", \"password\": \"" + jsonEscaped(Vcsim.PASSWORD) + "\"}}");
      assertThat(inlineVms.findValuesAsText("path")).contains(VM);

      for (String path : List.of("/jobs", "/jobs/" + byConnection, "/jobs/" + inline, "/jobs/" + inline + "/logs",
          "/connections", "/providers", "/status", "/openapi.json")) {
        answers.add(d.api().get(path).body());
      }
      answers.add(test.toString());
      answers.add(good.toString());
      answers.add(vms.toString());
      answers.add(inlineVms.toString());
      assertThat(cmdlines(d.process.process().toHandle())).isNotEmpty().allSatisfy(c -> assertThat(c)
          .doesNotContain(WRONG).doesNotContain(Vcsim.PASSWORD));
      assertThat(d.output()).contains("rejected the login");
      for (String secret : List.of(WRONG, Vcsim.PASSWORD)) {
        assertThat(d.output()).as("the daemon's log").doesNotContain(secret);
        assertThat(answers).as("the API's answers").noneMatch(a -> a.contains(secret));
        assertThat(databaseBytes(data)).as("the job store").doesNotContain(secret);
      }
    }
  }

  @Test
  void hypervisordAndHyperexportListTheSameProviders() throws Exception {
    try (Hypervisord d = Hypervisord.start(work, work.resolve("data"), configDir, bin)) {
      JsonNode api = d.api().get("/providers").json();
      try (JavaProcess he = JavaProcess.start(work.resolve("logs"), "hyperexport",
          "io.hypersdk.apps.hyperexport.HyperExport", List.of("--list-providers", "--json"), Map.of(), null)) {
        assertThat(he.process().waitFor()).isZero();
        // The test class path may bring a logging config that writes to stdout: the JSON is the array.
        String out = he.stdout();
        JsonNode cli = JobJson.json().readTree(out.substring(out.indexOf("\n[") + 1));
        // Provider names and, in order, the names of each one's settings.
        assertThat(cli.findValuesAsText("name")).isEqualTo(api.findValuesAsText("name"));
        assertThat(cli.findValuesAsText("type")).isEqualTo(api.findValuesAsText("type"));
      }
      assertThat(api.findValuesAsText("name")).contains("local", "vsphere");
    }
  }

  /** POSTs {@code body} with curl, as a user would, and returns the answer. */
  static JsonNode curl(Hypervisord d, String path, String body) throws IOException {
    Path bodyFile = Files.createTempFile("hypervisord-", ".json");
    try {
      Files.writeString(bodyFile, body, StandardCharsets.UTF_8);
      // The token goes in a header file, not on curl's command line.
      Path header = Files.createTempFile("hypervisord-", ".hdr");
      Files.writeString(header, "Authorization: Bearer " + d.token + "\n", StandardCharsets.UTF_8);
      try {
        String out = Tools.run(List.of(Tools.require("curl", "curl").toString(), "-sS", "--fail-with-body",
            "-H", "@" + header, "-H", "Content-Type: application/json", "--data-binary", "@" + bodyFile,
            "http://127.0.0.1:" + d.port + path));
        return JobJson.json().readTree(out);
      } finally {
        Files.deleteIfExists(header);
      }
    } finally {
      Files.deleteIfExists(bodyFile);
    }
  }

  private String hostPort() {
    return java.net.URI.create(sim.url()).getAuthority();
  }

  private static String jsonEscaped(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  static void assertQemuImgCheckPasses(Path qcow2) {
    Tools.Outcome check = Tools.exec(List.of(Tools.require("qemu-img", "qemu-utils").toString(), "check", "-f",
        "qcow2", qcow2.toString()));
    assertThat(check.exitCode()).as("qemu-img check %s: %s", qcow2, check).isZero();
  }

  /** The command lines of a process and everything it started. */
  static List<String> cmdlines(ProcessHandle root) throws IOException {
    List<String> out = new ArrayList<>();
    for (ProcessHandle h : Stream.concat(Stream.of(root), root.descendants()).toList()) {
      Path f = Path.of("/proc", Long.toString(h.pid()), "cmdline");
      if (Files.exists(f)) {
        out.add(new String(Files.readAllBytes(f), StandardCharsets.UTF_8).replace('\0', ' '));
      }
    }
    return out;
  }

  /** The store's files as bytes (database, WAL, shared memory). */
  static String databaseBytes(Path data) throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.list(data)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("hypervisord.db")).toList()) {
        all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
      }
    }
    assertThat(all).as("the store exists").isNotEmpty();
    return all.toString();
  }
}
