package io.hypersdk.jobs.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.jobs.connections.Connections;
import io.hypersdk.jobs.model.JobJson;
import io.hypersdk.providers.Providers;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Jobs and connections read provider settings by the providers' own declarations: the design's vcenter block
 * and the legacy fields become settings, secrets are kept apart from the stored definition, and every wrong
 * value names its field.
 */
class ProviderSettingsParsingTest {
  private static final Map<String, Map<String, Object>> CONFIG = Map.of("lab", Map.of("provider", "vsphere",
      "url", "vc.example.com", "username", "ops", "password_file", "/etc/hypersdk/secrets/lab", "parallel", 4));

  private final Connections connections = connections(CONFIG);
  private final JobParser parser = new JobParser(connections, new OutputRoots(List.of()));

  private static Connections connections(Map<String, Map<String, Object>> config) {
    try {
      return Connections.define(Providers.discover(), config, Map.of());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private SubmittedJob parse(String json) throws Exception {
    return parser.parse(JobJson.json().readTree(json));
  }

  @Test
  void theVcenterBlockBecomesSettingsAndThePasswordStaysApart() throws Exception {
    SubmittedJob job = parse("""
        {"vm_path": "/DC0/vm/a", "output_dir": "/exports/a",
         "vcenter": {"server": "vc", "username": "u", "password": "S3cret", "insecure": true},
         "settings": {"power_off": "yes", "shutdown_timeout": 60}}
        """);
    assertThat(job.definition().provider()).isEqualTo("vsphere");
    assertThat(job.definition().settings()).containsExactlyInAnyOrderEntriesOf(Map.of("url", "vc", "username", "u",
        "insecure", "true", "power_off", "true", "shutdown_timeout", "60"));
    assertThat(job.secrets()).containsExactly(Map.entry("password", "S3cret"));
    assertThat(job.definition().needsSecret()).isTrue();
    assertThat(JobJson.json().writeValueAsString(job.definition())).doesNotContain("S3cret");
    assertThat(job.toString()).doesNotContain("S3cret");
  }

  @Test
  void aConnectionGivesTheProviderAndNeedsNoSecret() throws Exception {
    SubmittedJob job = parse("""
        {"vm_path": "/DC0/vm/a", "output_dir": "/exports/a", "connection": "lab", "settings": {"parallel": 2}}
        """);
    assertThat(job.definition().provider()).isEqualTo("vsphere");
    assertThat(job.definition().connection()).isEqualTo("lab");
    assertThat(job.definition().settings()).containsExactly(Map.entry("parallel", "2"));
    assertThat(job.definition().needsSecret()).isFalse();
    assertThat(connections.settings("vsphere", "lab", job.definition().settings()).options())
        .containsEntry("parallel", "2").containsEntry("url", "vc.example.com")
        .containsEntry("password_file", Path.of("/etc/hypersdk/secrets/lab").toString());
  }

  @Test
  void wrongSettingsNameTheirField() {
    String base = "\"vm_path\": \"/vm\", \"output_dir\": \"/exports/x\"";
    assertField("{" + base + ", \"connection\": \"nope\"}", "connection");
    assertField("{" + base + ", \"provider\": \"local\", \"connection\": \"lab\"}", "provider");
    assertField("{" + base + ", \"connection\": \"lab\", \"settings\": {\"parallel\": \"x\"}}", "settings.parallel");
    assertField("{" + base + ", \"settings\": {\"url\": \"vc\", \"username\": \"u\", \"password_file\": \"/etc/shadow\"}}",
        "settings.password_file");
    assertField("{" + base + ", \"provider\": \"local\", \"username\": \"u\"}", "username");
    assertField("{" + base + ", \"vcenter\": {\"username\": \"u\"}}", "settings.url");
    assertField("{" + base + ", \"settings\": [1]}", "settings");
  }

  private void assertField(String json, String field) {
    assertThatThrownBy(() -> parse(json)).as(json).isInstanceOfSatisfying(InvalidJobException.class,
        e -> assertThat(e.field()).isEqualTo(field));
  }

  @Test
  void aConnectionRefusesInlineSecretsUnknownProvidersAndWrongValues() {
    assertThatThrownBy(() -> Connections.define(Providers.discover(), Map.of("x", Map.of("provider", "vsphere",
        "url", "vc", "password", "inline")), Map.of()))
        .hasMessage("connections.x.password: secrets come only from files here; use password_file");
    assertThatThrownBy(() -> Connections.define(Providers.discover(), Map.of("x", Map.of("provider", "xen")),
        Map.of())).hasMessageStartingWith("connections.x.provider: provider 'xen' is not available in this build");
    assertThatThrownBy(() -> Connections.define(Providers.discover(), Map.of("x", Map.of("provider", "vsphere",
        "insecure", "maybe")), Map.of())).hasMessage("connections.x.insecure: must be true or false, not 'maybe'");
    assertThat(connections.get("lab").orElseThrow().secrets()).containsExactly("password");
    assertThat(connections.get("lab").orElseThrow().settings()).doesNotContainKey("password");
  }
}
