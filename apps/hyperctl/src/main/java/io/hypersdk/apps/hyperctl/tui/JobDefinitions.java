package io.hypersdk.apps.hyperctl.tui;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.providers.VmSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The wizard's choices as hypervisord job definitions (the API's field names), one per VM. A vSphere password
 * travels only in the request body, which hypervisord keeps in memory for that run.
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
      if (WizardModel.VSPHERE.equals(m.provider)) {
        job.putObject("vcenter").put("server", m.vcenterUrl.strip()).put("username", m.username.strip())
            .put("password", password(m)).put("insecure", m.insecure);
      }
      ObjectNode options = job.putObject("options").put("enable_pipeline", true)
          .put("hyper2kvm_daemon", o.daemonRequested())
          .put("hyper2kvm_poll_interval", o.pollInterval().toMillis() / 1000.0)
          .put("hyper2kvm_daemon_timeout", o.daemonTimeout().toMillis() / 60_000.0)
          .put("libvirt_integration", o.libvirt());
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

  private static String password(WizardModel m) throws IOException {
    if (!m.password.isEmpty()) {
      return m.password;
    }
    return Files.readAllLines(Path.of(m.passwordFile.strip()), StandardCharsets.UTF_8).stream().findFirst().orElse("");
  }
}
