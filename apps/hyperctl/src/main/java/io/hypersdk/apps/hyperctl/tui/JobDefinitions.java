package io.hypersdk.apps.hyperctl.tui;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.providers.SettingSpec;
import io.hypersdk.providers.VmSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The wizard's choices as hypervisord job definitions (the API's field names), one per VM: with a named
 * connection, its name; else the typed settings, where a secret (a password) travels only in the request body,
 * which hypervisord keeps in memory for that run.
 */
final class JobDefinitions {
  private JobDefinitions() {}

  static List<ObjectNode> of(WizardModel m) throws IOException {
    PipelineOptions o = m.pipelineOptions();
    Path root = Path.of(m.outputDir.strip()).toAbsolutePath().normalize();
    List<ObjectNode> jobs = new ArrayList<>();
    for (VmSummary vm : m.selectedVms()) {
      ObjectNode job = JsonNodeFactory.instance.objectNode()
          .put("name", "hyperctl interactive: " + vm.name())
          .put("vm_path", vm.path())
          .put("output_dir", ExportFolders.of(root, vm.name()).toString())
          .put("format", m.format)
          .put("provider", m.provider);
      if (m.connection != null) {
        // hypervisord has the connection's settings and secrets; the job only names it.
        job.put("connection", m.connection.name());
      } else {
        job.set("settings", settings(m));
      }
      ObjectNode options = job.putObject("options").put("enable_pipeline", true)
          .put("hyper2kvm_daemon", o.daemonRequested())
          .put("hyper2kvm_poll_interval", o.pollInterval().toMillis() / 1000.0)
          .put("hyper2kvm_daemon_timeout", o.daemonTimeout().toMillis() / 60_000.0)
          .put("libvirt_integration", o.libvirt())
          .put("fix", m.fix);
      if (m.bootCheckOrNull() != null) {
        options.put("boot_check", m.bootCheckOrNull());
      }
      if (o.libvirt()) {
        options.put("libvirt_uri", o.libvirtUri());
      }
      if (o.instance() != null) {
        options.put("hyper2kvm_instance", o.instance());
      }
      if (o.watchDir() != null) {
        options.put("hyper2kvm_watch_dir", o.watchDir().toString());
      }
      if (o.outputDir() != null) {
        options.put("hyper2kvm_output_dir", o.outputDir().toString());
      }
      jobs.add(job);
    }
    return jobs;
  }

  /**
   * The given settings by name. A secret's file is read here and the secret sent inline, since the file is on
   * this machine and hypervisord may not see it.
   */
  private static ObjectNode settings(WizardModel m) throws IOException {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    Map<String, String> given = m.settings();
    for (SettingSpec s : m.specs()) {
      if (s.name().endsWith("_file") && isSecret(m, s.name().substring(0, s.name().length() - "_file".length()))) {
        continue; // its secret goes inline instead
      }
      String v = given.getOrDefault(s.name(), "");
      String file = given.getOrDefault(s.name() + "_file", "");
      if (s.secret() && v.isEmpty() && !file.isBlank()) {
        v = Files.readAllLines(Path.of(file.strip()), StandardCharsets.UTF_8).stream().findFirst().orElse("");
      }
      if (!v.isBlank()) {
        out.put(s.name(), s.secret() ? v : v.strip());
      }
    }
    return out;
  }

  private static boolean isSecret(WizardModel m, String name) {
    return m.specs().stream().anyMatch(s -> s.secret() && s.name().equals(name));
  }
}
