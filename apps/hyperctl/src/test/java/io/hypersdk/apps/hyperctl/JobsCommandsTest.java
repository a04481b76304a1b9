package io.hypersdk.apps.hyperctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypersdk.apps.hypervisord.Hypervisord;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.SampleVms;
import io.hypersdk.testing.SystemctlStandIn;
import io.hypersdk.testing.Tools;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hyperctl jobs ...} against a real hypervisord and a real queue daemon: a job submitted from flags is
 * converted by the daemon, followed to its end, shown, listed and its log printed; a job waiting for a daemon
 * that never comes is submitted from a YAML file and cancelled; connection settings follow flag, environment,
 * config file; failures are one line; the token never shows.
 */
@Timeout(300)
class JobsCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SUBMITTED = Pattern.compile("submitted (\\S+)");

  @TempDir
  static Path work;
  static Path ova;
  static Path configDir;
  static Path tokenFile;
  static Path configFile;
  static QueueDaemon queueDaemon;
  static Hypervisord hypervisord;
  static String url;

  /** Every run of a test, checked afterwards for the token. */
  private final List<Ctl.Result> runs = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    ova = SampleVms.ova(Files.createDirectories(work.resolve("sample")), "web01", 8, 21);
    configDir = Files.createDirectories(work.resolve("etc-hyper2kvm"));
    Path watch = Files.createDirectories(work.resolve("queue"));
    QueueDaemon.writeConfig(configDir, "demo", watch, Files.createDirectories(work.resolve("converted")));
    // "ghost": systemd calls it active, but no daemon serves its queue, so a job waits for it until cancelled.
    QueueDaemon.writeConfig(configDir, "ghost", Files.createDirectories(work.resolve("ghost-queue")),
        Files.createDirectories(work.resolve("ghost-out")));
    SystemctlStandIn systemctl = SystemctlStandIn.create(work);
    systemctl.unit("hyper2kvm@ghost.service", "active", "running", 1);
    queueDaemon = QueueDaemon.startInstance(configDir, "demo", work.resolve("logs"));
    hypervisord = Hypervisord.start(work, work.resolve("data"), configDir, systemctl.bin());
    url = "http://127.0.0.1:" + hypervisord.port;
    tokenFile = secret(work.resolve("token"), hypervisord.token);
    configFile = work.resolve("hyperctl.yaml");
    Files.writeString(configFile, "url: " + url + "\ntoken_file: " + tokenFile + "\n", StandardCharsets.UTF_8);
  }

  @AfterAll
  static void stop() {
    if (hypervisord != null) {
      hypervisord.close();
    }
    if (queueDaemon != null) {
      queueDaemon.close();
    }
  }

  @AfterEach
  void tokenNeverShown() {
    assertThat(runs).isNotEmpty().allSatisfy(r -> assertThat(r.all()).doesNotContain(hypervisord.token));
  }

  private static Path secret(Path file, String value) throws Exception {
    Files.writeString(file, value + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  /** hyperctl in this JVM, connected through the config file. */
  private Ctl.Result ctl(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--config", configFile.toString()));
    Ctl.Result r = Ctl.run(all.toArray(String[]::new));
    runs.add(r);
    return r;
  }

  private static String submittedId(Ctl.Result r) {
    Matcher m = SUBMITTED.matcher(r.out());
    assertThat(m.find()).as(r.all()).isTrue();
    return m.group(1);
  }

  @Test
  void aJobFromFlagsIsConvertedByTheDaemonFollowedShownListedAndLogged() throws Exception {
    Ctl.Result submit = ctl("jobs", "submit", "--vm", ova.toString(), "--output", work.resolve("export").toString(),
        "--provider", "local", "--format", "ova", "--name", "web01 migration", "--pipeline", "--hyper2kvm-daemon",
        "--hyper2kvm-instance", "demo", "--no-fix", "--boot-check=off", "--boot-check-timeout", "60");
    assertThat(submit.exit()).as(submit.all()).isZero();
    String id = submittedId(submit);

    Ctl.Result watch = ctl("jobs", "watch", id);
    assertThat(watch.exit()).as(watch.all()).isZero();
    assertThat(watch.out()).contains(id + " status ").contains(id + " progress ")
        .endsWith("job " + id + " completed\n");

    Ctl.Result show = ctl("jobs", "show", id);
    assertThat(show.exit()).isZero();
    assertThat(show.out()).contains("status:          completed").contains("name:            web01 migration")
        .contains("pipeline:        daemon").contains("provider:        local");
    JsonNode job = JSON.readTree(ctl("jobs", "show", id, "--json").out());
    assertThat(job.path("id").asText()).isEqualTo(id);
    assertThat(job.path("result").path("pipeline_reason").asText()).contains("heartbeat");
    assertThat(job.path("definition").path("options").path("hyper2kvm_instance").asText()).isEqualTo("demo");
    // The sample disk holds no operating system, which the fix refuses: the job was sent without it.
    assertThat(job.path("definition").path("options").path("fix").asBoolean(true)).isFalse();
    assertThat(job.path("definition").path("options").path("boot_check").asText()).isEqualTo("off");
    assertThat(job.path("definition").path("options").path("boot_check_timeout").asInt()).isEqualTo(60);

    Ctl.Result list = ctl("jobs", "list", "--status", "completed");
    assertThat(list.exit()).isZero();
    assertThat(list.out().lines().findFirst().orElseThrow()).startsWith("ID").contains("STATUS");
    assertThat(list.out()).containsPattern(Pattern.quote(id) + "\\s+completed\\s+");
    JsonNode listed = JSON.readTree(ctl("jobs", "list", "--json", "--limit", "5").out());
    assertThat(listed.path("jobs").findValuesAsText("id")).contains(id);

    Ctl.Result logs = ctl("jobs", "logs", id);
    assertThat(logs.exit()).isZero();
    assertThat(logs.out()).contains("INFO").contains("submitted ");
    JsonNode logJson = JSON.readTree(ctl("jobs", "logs", id, "--json").out());
    assertThat(logJson.path("lines").size()).isPositive();

    // Watching a finished job answers at once from its state.
    Ctl.Result again = ctl("jobs", "watch", id, "--json");
    assertThat(again.exit()).isZero();
    JsonNode first = JSON.readTree(again.out().lines().findFirst().orElseThrow());
    assertThat(first.path("type").asText()).isEqualTo("job");
    assertThat(first.path("data").path("status").asText()).isEqualTo("completed");
  }

  @Test
  void aJobFromAYamlFileWaitingForADaemonIsCancelledAndWatchSaysSo() throws Exception {
    Path file = work.resolve("ghost-job.yaml");
    Files.writeString(file, """
        vm_path: %s
        output_dir: %s
        provider: local
        format: ova
        options:
          enable_pipeline: true
          hyper2kvm_daemon: true
          hyper2kvm_instance: ghost
          hyper2kvm_poll_interval: 0.2
        """.formatted(ova, work.resolve("ghost-export")), StandardCharsets.UTF_8);
    Ctl.Result submit = ctl("jobs", "submit", "-f", file.toString());
    assertThat(submit.exit()).as(submit.all()).isZero();
    String id = submittedId(submit);
    await("the job to wait for the daemon").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> JSON.readTree(Ctl.run("jobs", "show", id, "--json", "--config", configFile.toString()).out())
            .path("progress").path("phase").asText().equals("waiting for daemon"));

    Ctl.Result cancel = ctl("jobs", "cancel", id);
    assertThat(cancel.exit()).as(cancel.all()).isZero();
    assertThat(cancel.out()).isEqualTo("cancelled " + id + "\n");

    Ctl.Result watch = ctl("jobs", "watch", id);
    assertThat(watch.exit()).as(watch.all()).isEqualTo(10);
    assertThat(watch.err()).isEqualTo("hyperctl: job " + id + " cancelled: cancelled by request\n");

    Ctl.Result again = ctl("jobs", "cancel", id, "--json");
    assertThat(again.exit()).isEqualTo(10);
    assertThat(JSON.readTree(again.out()).path("errors").path(id).asText()).contains("already ended");
  }

  @Test
  void aBatchFromStandardInputReportsEachAcceptedAndRejectedJob() throws Exception {
    String batch = """
        {"jobs": [{"vm_path": "%s", "output_dir": "%s", "provider": "local"},
                  {"output_dir": "%s", "provider": "local"}]}
        """.formatted(ova, work.resolve("batch-export"), work.resolve("batch-2"));
    java.io.InputStream stdin = System.in;
    Ctl.Result r;
    try {
      System.setIn(new java.io.ByteArrayInputStream(batch.getBytes(StandardCharsets.UTF_8)));
      r = ctl("jobs", "submit", "-f", "-");
    } finally {
      System.setIn(stdin);
    }
    assertThat(r.exit()).as(r.all()).isEqualTo(10);
    String id = submittedId(r);
    assertThat(r.out()).contains("rejected: ").contains("vm_path");
    assertThat(ctl("jobs", "watch", id).exit()).isZero();
  }

  @Test
  void flagsBeatTheEnvironmentWhichBeatsTheConfigFile() throws Exception {
    int closed = closedPort();
    String nowhere = "http://127.0.0.1:" + closed;
    Path wrongToken = secret(work.resolve("wrong-token"), "not-the-token");
    Path home = Files.createDirectories(work.resolve("home"));
    Files.createDirectories(home.resolve(".config/hypersdk"));
    Files.writeString(home.resolve(".config/hypersdk/hyperctl.yaml"), "url: " + nowhere + "\ntoken: not-the-token\n");
    Map<String, String> homeOnly = Map.of("HOME", home.toString(), "XDG_CONFIG_HOME", home.resolve(".config").toString());

    // The config file in ~/.config alone: its (wrong) URL is used.
    Ctl.Result fileOnly = process(homeOnly, "jobs", "list");
    assertThat(fileOnly.exit()).isEqualTo(11);
    assertThat(fileOnly.err()).isEqualTo("hyperctl: cannot reach hypervisord at " + nowhere + ": connection refused\n");

    // The environment beats the file: URL and token.
    Map<String, String> env = new java.util.HashMap<>(homeOnly);
    env.putAll(Map.of("HYPERCTL_URL", url, "HYPERCTL_TOKEN", hypervisord.token));
    Ctl.Result fromEnv = process(env, "jobs", "list", "--json");
    assertThat(fromEnv.exit()).as(fromEnv.all()).isZero();
    assertThat(JSON.readTree(fromEnv.out()).has("jobs")).isTrue();

    // Flags beat the environment: a wrong --url, then a wrong --token-file.
    Ctl.Result flagUrl = process(env, "jobs", "list", "--url", nowhere);
    assertThat(flagUrl.exit()).isEqualTo(11);
    assertThat(flagUrl.err()).contains(nowhere);
    Ctl.Result flagToken = process(env, "jobs", "list", "--token-file", wrongToken.toString());
    assertThat(flagToken.exit()).isEqualTo(11);
    assertThat(flagToken.err()).isEqualTo("hyperctl: hypervisord refused the token (401); check --token-file or HYPERCTL_TOKEN\n");

    // In this JVM: --url and --token-file beat a config file naming other ones.
    Path otherConfig = work.resolve("other.yaml");
    Files.writeString(otherConfig, "url: " + nowhere + "\ntoken_file: " + wrongToken + "\n");
    Ctl.Result flags = Ctl.run("jobs", "list", "--config", otherConfig.toString(), "--url", url, "--token-file",
        tokenFile.toString());
    runs.add(flags);
    assertThat(flags.exit()).as(flags.all()).isZero();
  }

  private Ctl.Result process(Map<String, String> env, String... args) throws Exception {
    Ctl.Result r = Ctl.process(work, env, null, args);
    runs.add(r);
    return r;
  }

  @Test
  void failuresAreOneLineWithoutAStackTrace() throws Exception {
    Path wrongToken = secret(work.resolve("bad-token"), "wrong");
    Ctl.Result badToken = ctl("jobs", "list", "--token-file", wrongToken.toString());
    assertThat(badToken.exit()).isEqualTo(11);
    assertThat(badToken.err()).isEqualTo("hyperctl: hypervisord refused the token (401); check --token-file or HYPERCTL_TOKEN\n");
    assertThat(badToken.out()).isEmpty();

    String nowhere = "http://127.0.0.1:" + closedPort();
    Ctl.Result unreachable = ctl("jobs", "show", "x", "--url", nowhere);
    assertThat(unreachable.exit()).isEqualTo(11);
    assertThat(unreachable.err()).isEqualTo("hyperctl: cannot reach hypervisord at " + nowhere + ": connection refused\n");

    Ctl.Result noJob = ctl("jobs", "logs", "no-such-job");
    assertThat(noJob.exit()).isEqualTo(3);
    assertThat(noJob.err()).isEqualTo("hyperctl: hypervisord answered 404: no such job: no-such-job\n");

    Path invalid = work.resolve("invalid.json");
    Files.writeString(invalid, "{\"output_dir\": \"/tmp/x\", \"provider\": \"local\"}");
    Ctl.Result rejected = ctl("jobs", "submit", "-f", invalid.toString());
    assertThat(rejected.exit()).isEqualTo(11);
    assertThat(rejected.err()).startsWith("hyperctl: hypervisord answered 400: vm_path").hasLineCount(1);

    Ctl.Result missingFile = ctl("jobs", "submit", "-f", work.resolve("nope.yaml").toString());
    assertThat(missingFile.exit()).isEqualTo(2);
    assertThat(missingFile.err()).isEqualTo("hyperctl: " + work.resolve("nope.yaml") + " does not exist\n");

    Ctl.Result both = ctl("jobs", "submit", "-f", invalid.toString(), "--vm", "x", "--output", "y");
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err()).startsWith("hyperctl: ");

    Ctl.Result badUrl = ctl("jobs", "list", "--url", "ftp://x");
    assertThat(badUrl.exit()).isEqualTo(11);
    assertThat(badUrl.err()).isEqualTo("hyperctl: 'ftp://x' is not a hypervisord URL (like http://127.0.0.1:8080)\n");

    assertThat(Stream.of(badToken, unreachable, noJob, rejected, missingFile, both, badUrl))
        .allSatisfy(r -> assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat "));
  }

  /** A loopback port nothing listens on. */
  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
