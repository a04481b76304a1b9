package io.hypersdk.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.ManifestIO;
import io.hypersdk.migration.steps.WriteManifestStep;
import io.hypersdk.pipeline.ExecutionMode;
import io.hypersdk.pipeline.JobOutcome;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedDisk;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.Providers;
import io.hypersdk.testing.ConverterStandIn;
import io.hypersdk.testing.SampleVms.SampleDisk;
import io.hypersdk.testing.SampleVms;
import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One VM through {@link MigrationRunner} with the real local provider, real folders and qemu-img: the steps
 * run in order (export, manifest, pipeline), a failure names its step, and a dry run converts nothing.
 */
@Timeout(120)
class MigrationRunnerTest {
  @TempDir
  static Path samples;
  static SampleDisk disk;
  static Path ova;

  @TempDir
  Path work;
  Path out;
  Provider local;
  RecordedEvents events = new RecordedEvents();

  @BeforeAll
  static void sampleVm() throws IOException {
    disk = SampleVms.disk(samples, "web01", 8, 21);
    ova = SampleVms.ova(samples.resolve("ova"), "web01", List.of(disk));
  }

  @BeforeEach
  void provider() throws Exception {
    local = Providers.discover().get("local").open(ProviderSettings.empty());
    out = work.resolve("export");
  }

  @AfterEach
  void close() throws Exception {
    local.close();
  }

  private MigrationResult run(PipelineOptions pipeline, boolean writeManifest) throws InterruptedException {
    return new MigrationRunner(local).run(
        new MigrationRequest(new ExportRequest(ova.toString(), out, ExportFormat.OVF), writeManifest, pipeline),
        events);
  }

  private PipelineOptions.Builder direct(Path converter) {
    return PipelineOptions.builder().hyper2kvmPath(converter).configDir(work.resolve("etc-hyper2kvm"));
  }

  @Test
  void exportThenManifestThenPipelineInThatOrder() throws Exception {
    MigrationResult r = run(direct(ConverterStandIn.qemuImg(work)).build(), true);

    assertThat(r.success()).as("%s\n%s", r, events.lines).isTrue();
    assertThat(r.failedStep()).isNull();
    assertThat(r.error()).isNull();
    assertThat(r.vm()).isEqualTo("web01");
    assertThat(r.jobId()).startsWith("web01-");
    ExportedDisk exported = r.export().disks().get(0);
    assertThat(Path.of(exported.path())).isRegularFile().hasParent(out);
    assertThat(Tools.sameContent(disk.raw(), Path.of(exported.path()))).as("the export carries the disk").isTrue();

    Path manifestFile = out.resolve(WriteManifestStep.FILE_NAME);
    assertThat(r.manifest()).isEqualTo(manifestFile.toString());
    ArtifactManifest m = ManifestIO.read(manifestFile);
    assertThat(m.jobId()).isEqualTo(r.jobId());
    assertThat(m.vmName()).isEqualTo("web01");
    assertThat(m.source().provider()).isEqualTo("local");
    assertThat(m.pipeline().fix().enabled()).as("the fix runs by default").isTrue();
    assertThat(m.disks()).singleElement().satisfies(d -> {
      assertThat(d.localPath()).isEqualTo(exported.path());
      assertThat(d.checksum()).isEqualTo(exported.sha256());
      assertThat(d.bootOrderHint()).isZero();
    });

    Path qcow2 = out.resolve("converted/web01.qcow2");
    assertThat(r.pipeline().execution().mode()).isEqualTo(ExecutionMode.DIRECT);
    assertThat(r.pipeline().jobId()).isEqualTo(r.jobId());
    assertThat(r.pipeline().outputs()).containsExactly(qcow2.toString());
    assertThat(Tools.sameContent(disk.raw(), qcow2)).as("the converted disk has the VM's content").isTrue();

    assertThat(events.indexOf("info: exporting " + ova + " from local into " + out))
        .isLessThan(events.indexOf("info: wrote " + manifestFile))
        .isLessThan(events.indexOf("info: direct mode: running "))
        .isLessThan(events.indexOf("output: Output: " + qcow2));
  }

  @Test
  void exportProgressCoversTheWholeSource() throws Exception {
    run(null, false);

    assertThat(events.total.get()).as("start(total) is the OVA's size").isEqualTo(Files.size(ova));
    assertThat(events.advanced.get()).as("bytes advanced").isPositive().isLessThanOrEqualTo(Files.size(ova));
    assertThat(events.finished).isTrue();
  }

  @Test
  void exportOnlyWritesNoManifestUnlessAsked() throws Exception {
    MigrationResult r = run(null, false);

    assertThat(r.success()).isTrue();
    assertThat(r.manifest()).isNull();
    assertThat(r.jobId()).as("no manifest, no job").isNull();
    assertThat(r.pipeline()).isNull();
    assertThat(out.resolve(WriteManifestStep.FILE_NAME)).doesNotExist();
    assertThat(Path.of(r.export().disks().get(0).path())).isRegularFile();
    assertThat(events.lines).noneMatch(l -> l.startsWith("info: wrote "));
  }

  @Test
  void exportWithManifestStopsBeforeThePipeline() throws Exception {
    MigrationResult r = run(null, true);

    assertThat(r.success()).isTrue();
    assertThat(Path.of(r.manifest())).isRegularFile();
    assertThat(r.pipeline()).isNull();
    assertThat(events.lines).noneMatch(l -> l.startsWith("info: direct mode") || l.startsWith("info: daemon mode"));
  }

  @Test
  void aDryRunAsksTheConverterForOneAndDefinesNoDomain() throws Exception {
    MigrationResult r = run(direct(ConverterStandIn.qemuImg(work)).dryRun(true).libvirt(true).build(), true);

    assertThat(r.success()).as("%s\n%s", r, events.lines).isTrue();
    assertThat(r.pipeline().jobState()).isEqualTo(JobOutcome.DRY_RUN);
    assertThat(r.pipeline().outputs()).isEmpty();
    assertThat(r.pipeline().libvirtDefined()).isFalse();
    assertThat(events.lines).contains("output: converter stand-in: " + out.resolve(WriteManifestStep.FILE_NAME)
        + " --dry-run");
    assertThat(out.resolve("converted")).doesNotExist();
    assertThat(events.lines).noneMatch(l -> l.contains("libvirt"));
  }

  @Test
  void aMissingVmFailsAtTheSourceStep() throws Exception {
    Path missing = work.resolve("nowhere/ghost.ova");
    MigrationResult r = new MigrationRunner(local).run(
        new MigrationRequest(new ExportRequest(missing.toString(), out, ExportFormat.OVF), true, null), events);

    assertThat(r.success()).isFalse();
    assertThat(r.failedStep()).isEqualTo(MigrationResult.Step.SOURCE);
    assertThat(r.error()).contains(missing.toString());
    assertThat(r.export()).isNull();
    assertThat(out.resolve(WriteManifestStep.FILE_NAME)).doesNotExist();
  }

  @Test
  void anOvaWithoutItsDiskFailsAtTheExportStep() throws Exception {
    Path folder = Files.createDirectories(work.resolve("broken"));
    Files.copy(samples.resolve("ova/web01.ovf"), folder.resolve("web01.ovf"));
    Path broken = folder.resolve("web01.ova");
    Tools.run(List.of("tar", "--format=ustar", "-cf", broken.toString(), "-C", folder.toString(), "web01.ovf"));

    MigrationResult r = new MigrationRunner(local).run(
        new MigrationRequest(new ExportRequest(broken.toString(), out, ExportFormat.OVF), true, null), events);

    assertThat(r.success()).isFalse();
    assertThat(r.failedStep()).isEqualTo(MigrationResult.Step.EXPORT);
    assertThat(r.error()).contains(broken.toString()).contains("does not contain web01.vmdk");
    assertThat(out.resolve(WriteManifestStep.FILE_NAME)).doesNotExist();
  }

  @Test
  void aManifestThatCannotBeWrittenFailsAtTheManifestStep() throws Exception {
    // A folder where the manifest file should go: the export succeeds, writing the manifest cannot.
    Files.createDirectories(out.resolve(WriteManifestStep.FILE_NAME));

    MigrationResult r = run(direct(ConverterStandIn.qemuImg(work)).build(), true);

    assertThat(r.success()).isFalse();
    assertThat(r.failedStep()).isEqualTo(MigrationResult.Step.MANIFEST);
    assertThat(r.error()).startsWith("cannot write the manifest in " + out + ": ");
    assertThat(r.export().disks()).hasSize(1);
    assertThat(r.pipeline()).as("the pipeline never ran").isNull();
    assertThat(out.resolve("converted")).doesNotExist();
  }

  @Test
  void aFailingConverterFailsAtThePipelineStep() throws Exception {
    Path converter = ConverterStandIn.failing(work, "cannot read the guest", 3);

    MigrationResult r = run(direct(converter).build(), true);

    assertThat(r.success()).isFalse();
    assertThat(r.failedStep()).isEqualTo(MigrationResult.Step.PIPELINE);
    assertThat(r.error()).isEqualTo("the converter " + converter + " exited 3: cannot read the guest");
    assertThat(Path.of(r.manifest())).as("the manifest stays for a later run").isRegularFile();
    assertThat(r.pipeline().success()).isFalse();
  }

  @Test
  void anInterruptStopsTheConverterAndEndsTheRun() throws Exception {
    Path pidFile = work.resolve("converter.pid");
    PipelineOptions slow = direct(ConverterStandIn.slow(work, pidFile)).build();
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread runner = new Thread(() -> {
      try {
        outcome.set(run(slow, true));
      } catch (InterruptedException e) {
        outcome.set(e);
      }
    });
    runner.start();

    await("the converter's child started").atMost(Duration.ofSeconds(60))
        .until(() -> Files.exists(pidFile));
    long child = Long.parseLong(Files.readString(pidFile).strip());
    runner.interrupt();
    runner.join(TimeUnit.SECONDS.toMillis(60));

    assertThat(runner.isAlive()).as("the run ended").isFalse();
    assertThat(outcome.get()).as("an interrupted run has no result").isInstanceOf(InterruptedException.class);
    await("the converter's child is stopped").atMost(Duration.ofSeconds(30))
        .until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
  }

  @Test
  void jobIdsAreSafeAndUnique() {
    assertThat(MigrationRunner.newJobId("web 01/prod")).matches("web_01_prod-\\d{14}-[0-9a-f]{12}");
    assertThat(MigrationRunner.newJobId("...")).startsWith("vm-");
    assertThat(MigrationRunner.newJobId(null)).startsWith("vm-");
    assertThat(MigrationRunner.newJobId("x".repeat(100))).startsWith("x".repeat(60) + "-");
    assertThat(MigrationRunner.newJobId("a")).isNotEqualTo(MigrationRunner.newJobId("a"));
  }
}
