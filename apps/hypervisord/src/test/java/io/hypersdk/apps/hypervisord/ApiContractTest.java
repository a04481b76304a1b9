package io.hypersdk.apps.hypervisord;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.apps.hypervisord.config.DaemonSettings;
import io.hypersdk.jobs.connections.Connections;
import io.hypersdk.providers.Providers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The API's contract over real HTTP against an in-process daemon: bearer auth on every route but /health,
 * 400 naming the field for invalid jobs, 413 over the body limit, YAML and batch submission, and the OpenAPI
 * document matching the router's routes exactly.
 */
@Timeout(120)
class ApiContractTest {
  static final String TOKEN = "test-token-0123456789abcdef";
  @TempDir
  static Path dir;
  static Path root;
  static DaemonRuntime daemon;
  static Api api;

  @BeforeAll
  static void start() throws Exception {
    root = Files.createDirectories(dir.resolve("exports"));
    Path etc = Files.createDirectories(dir.resolve("etc"));
    Connections connections = Connections.define(Providers.discover(), Map.of("lab", Map.of("provider", "vsphere",
        "url", "https://vc.example.com/sdk", "username", "ops", "password_file", "/nonexistent/lab-pw")), Map.of());
    daemon = DaemonRuntime.start(new DaemonSettings("127.0.0.1", 0, dir.resolve("data"), 1, null, 4096,
        List.of(root), etc, connections), TOKEN, io.hypersdk.apps.hyperconvert.HyperConvert.inThisJvm());
    api = new Api(daemon.port(), TOKEN);
  }

  @AfterAll
  static void stop() {
    daemon.close();
  }

  static Stream<String> protectedRoutes() {
    return daemon.registeredRoutes().stream().filter(r -> !r.equals("GET /health"));
  }

  @ParameterizedTest
  @MethodSource("protectedRoutes")
  void everyRouteButHealthNeedsTheToken(String route) {
    String method = route.substring(0, route.indexOf(' '));
    String path = route.substring(route.indexOf(' ') + 1).replace("{id}", "some-id").replace("{name}", "some-name");
    for (Api client : List.of(api.withToken(null), api.withToken("wrong-token-0123456789"))) {
      Api.Response r = method.equals("GET") ? client.get(path) : client.post(path, "{}");
      assertThat(r.status()).as(route).isEqualTo(401);
      assertThat(r.json().path("error").asText()).contains("bearer token");
    }
  }

  @Test
  void providersListTheirSchemaAndConnectionsHideSecrets() {
    JsonNode providers = api.get("/providers").json();
    assertThat(providers.findValuesAsText("name")).contains("local", "vsphere");
    JsonNode vsphere = null;
    for (JsonNode p : providers) {
      vsphere = p.path("name").asText().equals("vsphere") ? p : vsphere;
    }
    assertThat(vsphere.path("settings").findValuesAsText("name")).containsExactly("url", "username", "password",
        "password_file", "insecure", "ca_file", "thumbprint", "power_off", "shutdown_timeout", "parallel");
    JsonNode password = vsphere.path("settings").get(2);
    assertThat(password.path("secret").asBoolean()).isTrue();
    assertThat(password.path("type").asText()).isEqualTo("string");
    assertThat(vsphere.path("settings").get(9).path("default").asText()).isEqualTo("3");
    assertThat(vsphere.path("settings").get(0).path("required").asBoolean()).isTrue();

    JsonNode lab = api.get("/connections").json().get(0);
    assertThat(lab.path("name").asText()).isEqualTo("lab");
    assertThat(lab.path("provider").asText()).isEqualTo("vsphere");
    assertThat(lab.path("settings").path("username").asText()).isEqualTo("ops");
    assertThat(lab.path("settings").has("password")).isFalse();
    assertThat(lab.path("secrets").get(0).asText()).isEqualTo("password");
  }

  @Test
  void connectionTestsAndVmListingsFailInOneLineNamingTheField() {
    Api.Response test = api.post("/connections/lab/test", "");
    assertThat(test.status()).isEqualTo(200);
    assertThat(test.json().path("ok").asBoolean()).isFalse();
    assertThat(test.json().path("error").asText()).contains("/nonexistent/lab-pw").doesNotContain("\n");
    assertThat(api.post("/connections/nope/test", "").status()).isEqualTo(404);
    assertThat(api.post("/providers/nope/vms", "{}").status()).isEqualTo(404);
    Api.Response unknown = api.post("/providers/vsphere/vms", "{\"connection\": \"nope\"}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().path("field").asText()).isEqualTo("connection");
    Api.Response typed = api.post("/providers/vsphere/vms", "{\"settings\": {\"url\": \"vc\", \"parallel\": \"x\"}}");
    assertThat(typed.status()).isEqualTo(400);
    assertThat(typed.json().path("field").asText()).isEqualTo("settings.parallel");
  }

  @Test
  void healthIsOpenAndUnknownRoutesAreNotFound() {
    Api.Response h = api.withToken(null).get("/health");
    assertThat(h.status()).isEqualTo(200);
    assertThat(h.json().path("status").asText()).isEqualTo("healthy");
    assertThat(api.get("/nothing-here").status()).isEqualTo(404);
    assertThat(api.get("/jobs/unknown-job").status()).isEqualTo(404);
    assertThat(api.get("/jobs/unknown-job/logs").status()).isEqualTo(404);
    assertThat(api.get("/jobs/unknown-job/events").status()).isEqualTo(404);
    Api.Response noAccept = api.get("/events");
    assertThat(noAccept.status()).as("an event stream needs Accept: text/event-stream").isEqualTo(406);
    assertThat(noAccept.json().path("field").asText()).isEqualTo("Accept");
  }

  static Stream<Arguments> invalidJobs() {
    String ok = "\"vm_path\": \"/vms/a.ova\", \"output_dir\": \"" + root + "/a\", \"provider\": \"local\"";
    return Stream.of(
        Arguments.of("{\"output_dir\": \"" + root + "/a\", \"provider\": \"local\"}", "vm_path"),
        Arguments.of("{\"vm_path\": 7, \"output_dir\": \"" + root + "/a\"}", "vm_path"),
        Arguments.of("{\"vm_path\": \"/vms/a.ova\", \"provider\": \"local\"}", "output_dir"),
        Arguments.of("{\"vm_path\": \"/vms/a.ova\", \"output_dir\": \"relative\", \"provider\": \"local\"}",
            "output_dir"),
        Arguments.of("{\"vm_path\": \"/vms/a.ova\", \"output_dir\": \"/etc/x\", \"provider\": \"local\"}",
            "output_dir"),
        Arguments.of("{\"vm_path\": \"/vms/a.ova\", \"output_dir\": \"" + root + "/../x\", \"provider\": \"local\"}",
            "output_dir"),
        Arguments.of("{" + ok + ", \"format\": \"qcow9\"}", "format"),
        Arguments.of("{\"vm_path\": \"/vms/a.ova\", \"output_dir\": \"" + root + "/a\", \"provider\": \"nope\"}",
            "provider"),
        Arguments.of("{\"vm_path\": \"/vms/a.ova\", \"output_dir\": \"" + root + "/a\"}", "settings.url"),
        Arguments.of("{" + ok + ", \"connection\": \"nope\"}", "connection"),
        Arguments.of("{\"vm_path\": \"/vm\", \"output_dir\": \"" + root + "/a\", \"connection\": \"missing\"}",
            "connection"),
        Arguments.of("{" + ok + ", \"connection\": \"lab\"}", "provider"),
        Arguments.of("{" + ok + ", \"settings\": {\"root\": {}}}", "settings.root"),
        Arguments.of("{\"vm_path\": \"/vm\", \"output_dir\": \"" + root + "/a\", \"connection\": \"lab\", "
            + "\"settings\": {\"parallel\": \"many\"}}", "settings.parallel"),
        Arguments.of("{\"vm_path\": \"/vm\", \"output_dir\": \"" + root + "/a\", \"settings\": {\"url\": \"vc\", "
            + "\"username\": \"u\", \"password_file\": \"/etc/shadow\"}}", "settings.password_file"),
        Arguments.of("{\"vm_path\": \"/vm\", \"output_dir\": \"" + root + "/a\", \"vcenter\": {\"server\": \"vc\", "
            + "\"username\": \"u\", \"insecure\": \"sometimes\"}}", "vcenter.insecure"),
        Arguments.of("{" + ok + ", \"colour\": \"red\"}", "colour"),
        Arguments.of("{" + ok + ", \"options\": []}", "options"),
        Arguments.of("{" + ok + ", \"options\": {\"compress\": true}}", "options.compress"),
        Arguments.of("{" + ok + ", \"options\": {\"enable_pipeline\": \"yes\"}}", "options.enable_pipeline"),
        Arguments.of("{" + ok + ", \"options\": {\"hyper2kvm_path\": \"hyper2kvm\"}}", "options.hyper2kvm_path"),
        Arguments.of("{" + ok + ", \"options\": {\"hyper2kvm_instance\": \"../x\"}}", "options.hyper2kvm_instance"),
        Arguments.of("{" + ok + ", \"options\": {\"hyper2kvm_watch_dir\": \"/tmp/q\"}}",
            "options.hyper2kvm_watch_dir"),
        Arguments.of("{" + ok + ", \"options\": {\"hyper2kvm_output_dir\": \"q\"}}", "options.hyper2kvm_output_dir"),
        Arguments.of("{" + ok + ", \"options\": {\"hyper2kvm_poll_interval\": 0}}",
            "options.hyper2kvm_poll_interval"),
        Arguments.of("{" + ok + ", \"options\": {\"hyper2kvm_daemon_timeout\": -1}}",
            "options.hyper2kvm_daemon_timeout"),
        Arguments.of("{" + ok + ", \"options\": {\"libvirt_uri\": \"not a uri\"}}", "options.libvirt_uri"),
        Arguments.of("{" + ok + ", \"options\": {\"libvirt_autostart\": 1}}", "options.libvirt_autostart"),
        Arguments.of("{" + ok + ", \"options\": {\"fix\": \"no\"}}", "options.fix"),
        Arguments.of("{" + ok + ", \"options\": {\"boot_check\": \"always\"}}", "options.boot_check"),
        Arguments.of("{" + ok + ", \"options\": {\"boot_check_timeout\": 1}}", "options.boot_check_timeout"),
        Arguments.of("{" + ok + ", \"vcenter\": {\"server\": \"vc\", \"token\": \"x\"}}", "vcenter.token"),
        Arguments.of("{" + ok + ", \"vcenter\": {\"password\": 12}}", "vcenter.password"),
        Arguments.of("{" + ok + ", \"id\": \"../../etc\"}", "id"),
        Arguments.of("{\"jobs\": {}}", "jobs"),
        Arguments.of("{\"jobs\": []}", "jobs"),
        Arguments.of("{not json", "body"),
        Arguments.of("", "body"));
  }

  @ParameterizedTest
  @MethodSource("invalidJobs")
  void anInvalidJobIsABadRequestNamingTheField(String body, String field) {
    Api.Response r = api.post("/jobs/submit", body);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().path("field").asText()).as(r.body()).isEqualTo(field);
    assertThat(r.json().path("error").asText()).as(r.body()).startsWith(field + ": ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/jobs/submit", "/jobs/cancel"})
  void aBodyOverTheLimitIsRefused(String path) {
    String big = "{\"vm_path\": \"" + "x".repeat(5000) + "\"}";
    assertThat(api.post(path, big).status()).isEqualTo(413);
  }

  @Test
  void invalidCancelsAndListQueriesNameTheField() {
    assertThat(api.post("/jobs/cancel", "{}").json().path("field").asText()).isEqualTo("job_ids");
    assertThat(api.post("/jobs/cancel", "{\"job_ids\": [1]}").json().path("field").asText()).isEqualTo("job_ids");
    Api.Response s = api.get("/jobs?status=done");
    assertThat(s.status()).isEqualTo(400);
    assertThat(s.json().path("field").asText()).isEqualTo("status");
    assertThat(api.get("/jobs?limit=0").json().path("field").asText()).isEqualTo("limit");
    assertThat(api.get("/jobs?limit=x").json().path("field").asText()).isEqualTo("limit");
  }

  @Test
  void yamlAndBatchesAreAcceptedAndPasswordsNeverReturned() throws Exception {
    String yaml = """
        name: from yaml
        vm_path: /nonexistent/vm.ova
        output_dir: %s/yaml
        provider: vsphere
        vcenter:
          server: https://127.0.0.1:1/sdk
          username: admin
          password: yaml-secret-4242
        options:
          enable_pipeline: true
          libvirt_integration: false
        """.formatted(root);
    Api.Response r = api.post("/jobs/submit", yaml, "application/yaml");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    String id = r.json().path("job_ids").get(0).asText();
    JsonNode job = DaemonTestBase.awaitStatus(api, id, "failed");
    assertThat(job.path("definition").path("name").asText()).isEqualTo("from yaml");
    assertThat(job.path("definition").path("settings").path("username").asText()).isEqualTo("admin");
    assertThat(job.path("definition").path("settings").path("url").asText()).isEqualTo("https://127.0.0.1:1/sdk");
    assertThat(job.path("definition").path("settings").has("password")).isFalse();
    assertThat(job.path("definition").path("credentials").asText()).isEqualTo("in-memory");
    assertThat(job.path("error").asText()).contains("127.0.0.1:1").doesNotContain("\n");
    for (String path : List.of("/jobs", "/jobs/" + id, "/jobs/" + id + "/logs")) {
      assertThat(api.get(path).body()).doesNotContain("yaml-secret-4242");
    }

    String one = "{\"vm_path\": \"/nonexistent/b.ova\", \"output_dir\": \"" + root + "/b\", \"provider\": \"local\"}";
    JsonNode batch = api.post("/jobs/submit", "{\"jobs\": [" + one + ", {\"vm_path\": \"x\"}]}").json();
    assertThat(batch.path("accepted").asInt()).isEqualTo(1);
    assertThat(batch.path("rejected").asInt()).isEqualTo(1);
    assertThat(batch.path("errors").get(0).asText()).startsWith("jobs[1].output_dir: ");
    JsonNode array = api.post("/jobs/submit", "[" + one + "," + one + "]").json();
    assertThat(array.path("accepted").asInt()).isEqualTo(2);
    assertThat(array.path("job_ids").size()).isEqualTo(2);
    String given = "{\"id\": \"my-job-1\", \"vm_path\": \"/nonexistent/c.ova\", \"output_dir\": \"" + root
        + "/c\", \"provider\": \"local\"}";
    assertThat(api.post("/jobs/submit", given).json().path("job_ids").get(0).asText()).isEqualTo("my-job-1");
    Api.Response again = api.post("/jobs/submit", given);
    assertThat(again.status()).isEqualTo(400);
    assertThat(again.json().path("field").asText()).isEqualTo("id");
  }

  @Test
  void statusAndMetricsAnswer() {
    JsonNode s = api.get("/status").json();
    for (String key : List.of("version", "uptime", "total_jobs", "running_jobs", "completed_jobs", "failed_jobs",
        "cancelled_jobs", "timestamp")) {
      assertThat(s.has(key)).as(key).isTrue();
    }
    Api.Response m = api.get("/metrics");
    assertThat(m.contentType()).startsWith("text/plain");
    assertThat(m.body()).contains("# TYPE hypervisord_jobs gauge", "hypervisord_jobs{status=\"pending\"}",
        "hypervisord_uptime_seconds ");
    JsonNode instances = api.get("/hyper2kvm/instances").json();
    assertThat(instances.path("instances").size()).isZero();
  }

  @Test
  void theOpenApiDocumentDescribesExactlyTheRegisteredRoutes() {
    JsonNode doc = api.get("/openapi.json").json();
    assertThat(doc.path("openapi").asText()).startsWith("3.");
    List<String> documented = new ArrayList<>();
    for (Map.Entry<String, JsonNode> p : doc.path("paths").properties()) {
      p.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase() + " " + p.getKey()));
    }
    assertThat(documented).containsExactlyInAnyOrderElementsOf(daemon.registeredRoutes());
    assertThat(daemon.registeredRoutes()).contains("POST /jobs/submit", "GET /jobs", "GET /jobs/{id}",
        "POST /jobs/cancel", "GET /jobs/{id}/logs", "GET /jobs/{id}/events", "GET /events", "GET /health",
        "GET /status", "GET /hyper2kvm/instances", "GET /metrics", "GET /openapi.json", "GET /providers",
        "POST /providers/{name}/vms", "GET /connections", "POST /connections/{name}/test");
    assertThat(doc.path("paths").path("/health").path("get").path("security").size()).isZero();
    assertThat(doc.path("paths").path("/jobs").path("get").path("security").size()).isEqualTo(1);
  }

  @Test
  void theOpenApiDocumentDescribesTheAnswersAndTheDefaults() {
    JsonNode doc = api.get("/openapi.json").json();
    JsonNode job = doc.at("/paths/~1jobs~1{id}/get/responses/200/content/application~1json/schema/properties");
    assertThat(job.at("/status/type").asText()).isEqualTo("string");
    assertThat(job.at("/result/properties/pipeline_mode/type").asText()).isEqualTo("string");
    assertThat(job.at("/progress/properties/percent_complete/type").asText()).isEqualTo("number");
    assertThat(job.at("/definition/properties/options/properties/hyper2kvm_daemon/type").asText())
        .isEqualTo("boolean");
    JsonNode submitted = doc.at("/paths/~1jobs~1submit/post/responses/200/content/application~1json/schema");
    assertThat(submitted.at("/properties/job_ids/items/type").asText()).isEqualTo("string");
    assertThat(doc.at("/paths/~1jobs/get/responses/401/content/application~1json/schema/properties/error/type")
        .asText()).isEqualTo("string");
    JsonNode definition = doc.at("/components/schemas/JobDefinition/properties");
    assertThat(definition.at("/provider/default").asText()).isEqualTo("vsphere");
    assertThat(definition.at("/format/default").asText()).isEqualTo("ovf");
    assertThat(definition.at("/options/properties/hyper2kvm_poll_interval/default").asInt()).isEqualTo(5);
    assertThat(definition.at("/options/properties/hyper2kvm_daemon_timeout/default").asInt()).isEqualTo(60);
    assertThat(definition.at("/options/properties/libvirt_uri/default").asText()).isEqualTo("qemu:///system");
    assertThat(definition.at("/options/properties/fix/default").asBoolean(false)).isTrue();
    assertThat(definition.at("/options/properties/boot_check/enum")).extracting(JsonNode::asText)
        .containsExactly("off", "on", "warn");
    assertThat(definition.at("/options/properties/boot_check_timeout/minimum").asInt()).isEqualTo(10);
    assertThat(job.at("/definition/properties/options/properties/boot_check/type").asText()).isEqualTo("string");
    JsonNode entry = doc.at("/paths/~1hyper2kvm~1instances/get/responses/200/content/application~1json/schema"
        + "/properties/queue_entries/additionalProperties/items/properties");
    assertThat(entry.at("/state/type").asText()).isEqualTo("string");
    assertThat(entry.at("/error/type").asText()).isEqualTo("string");
    assertThat(entry.at("/age_seconds/type").asText()).isEqualTo("number");
  }
}
