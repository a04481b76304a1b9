package io.hypersdk.jobs.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.jobs.model.JobDefinition;
import io.hypersdk.jobs.model.JobOptions;
import io.hypersdk.jobs.store.JobStore;
import io.hypersdk.manifest.Pipeline;
import io.hypersdk.migration.MigrationRequest;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.providers.ExportFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every option of a job reaches the migration it runs; options it leaves out keep the pipeline's defaults. */
class MigrationRequestsTest {
  private static final Path CONFIG_DIR = Path.of("/srv/etc-hyper2kvm");
  private static final List<String> BUNDLED = List.of("/usr/bin/hyperconvert");
  private final MigrationRequests requests = new MigrationRequests(CONFIG_DIR, BUNDLED);

  private static JobDefinition job(String format, JobOptions options) {
    return new JobDefinition("j", "j", "/vms/web01.ova", "/exports/x/../web01", format, "local", null, Map.of(), null,
        options, JobStore.now());
  }

  @Test
  void everyOptionIsHonoured() {
    MigrationRequest r = requests.build(job("ova", new JobOptions(true, "/opt/h2k/../bin/hyper2kvm", true, "blue",
        "/exports/q/", "/exports/o", 0.25, 1.5, true, "qemu+ssh://kvm1/system", true, false, "warn", 120)));

    assertThat(r.export().vm()).isEqualTo("/vms/web01.ova");
    assertThat(r.export().outputDir()).isEqualTo(Path.of("/exports/web01"));
    assertThat(r.export().format()).isEqualTo(ExportFormat.OVA);
    assertThat(r.writeManifest()).isTrue();
    assertThat(r.runsPipeline()).isTrue();
    PipelineOptions p = r.pipeline();
    assertThat(p.hyper2kvmPath()).isEqualTo(Path.of("/opt/bin/hyper2kvm"));
    assertThat(p.bundledConverter()).isEqualTo(BUNDLED);
    assertThat(p.configDir()).isEqualTo(CONFIG_DIR);
    assertThat(p.daemonRequested()).isTrue();
    assertThat(p.instance()).isEqualTo("blue");
    assertThat(p.serviceName()).isEqualTo("hyper2kvm@blue.service");
    assertThat(p.watchDir()).isEqualTo(Path.of("/exports/q"));
    assertThat(p.outputDir()).isEqualTo(Path.of("/exports/o"));
    assertThat(p.pollInterval()).as("seconds").isEqualTo(Duration.ofMillis(250));
    assertThat(p.daemonTimeout()).as("minutes").isEqualTo(Duration.ofSeconds(90));
    assertThat(p.libvirt()).isTrue();
    assertThat(p.libvirtUri()).isEqualTo("qemu+ssh://kvm1/system");
    assertThat(p.libvirtAutostart()).isTrue();
    assertThat(p.dryRun()).isFalse();
    assertThat(r.stages().fix().enabled()).isFalse();
    assertThat(r.stages().bootCheck()).isEqualTo(new Pipeline.BootCheck("warn", 120));
  }

  @Test
  void unsetOptionsKeepThePipelineDefaults() {
    MigrationRequest r = requests.build(job("ovf", new JobOptions(true, null, false, null, null, null, null, null,
        false, null, false, true, null, null)));
    PipelineOptions p = r.pipeline();

    assertThat(p.hyper2kvmPath()).isNull();
    assertThat(p.daemonRequested()).isFalse();
    assertThat(p.instance()).isNull();
    assertThat(p.serviceName()).isEqualTo("hyper2kvm.service");
    assertThat(p.watchDir()).isNull();
    assertThat(p.outputDir()).isNull();
    assertThat(p.pollInterval()).isEqualTo(PipelineOptions.DEFAULT_POLL_INTERVAL);
    assertThat(p.daemonTimeout()).isEqualTo(PipelineOptions.DEFAULT_DAEMON_TIMEOUT);
    assertThat(p.libvirt()).isFalse();
    assertThat(p.libvirtUri()).isEqualTo(PipelineOptions.DEFAULT_LIBVIRT_URI);
    assertThat(p.libvirtAutostart()).isFalse();
    assertThat(r.stages().fix().enabled()).isTrue();
    assertThat(r.stages().bootCheck()).as("the converter's boot_check setting applies").isNull();
  }

  @Test
  void withoutThePipelineTheJobExportsAndWritesTheManifest() {
    MigrationRequest none = requests.build(job("ovf", JobOptions.NONE));
    MigrationRequest nullOptions = requests.build(job("ovf", null));

    assertThat(none.export().format()).isEqualTo(ExportFormat.OVF);
    assertThat(none.writeManifest()).isTrue();
    assertThat(none.runsPipeline()).isFalse();
    assertThat(nullOptions.runsPipeline()).isFalse();
    assertThat(nullOptions.writeManifest()).isTrue();
  }
}
