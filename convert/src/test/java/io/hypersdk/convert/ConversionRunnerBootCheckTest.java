package io.hypersdk.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.Pipeline;
import io.hypersdk.queue.BootCheckReport;
import io.hypersdk.queue.ConversionResult;
import io.hypersdk.queue.OutputNames;
import io.hypersdk.queue.StageReport;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The boot check inside a conversion: it boots the staged disks before publishing (real qemu, TCG). The sample
 * disks hold no OS, so the firmware finds nothing to boot: mode on fails the job, warn publishes with a warning.
 */
class ConversionRunnerBootCheckTest {
  @TempDir Path dir;
  Path out;
  ArtifactManifest manifest;

  @BeforeEach
  void setUp() throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    Tools.require("qemu-system-x86_64", "qemu-system-x86");
    out = dir.resolve("out");
    manifest = TestDisks.manifest("web", "job-bc", List.of(TestDisks.disk("boot", TestDisks.raw(dir, "boot", 8, 7),
        "raw", 0)));
  }

  ConversionRequest.Builder request(ArtifactManifest m) {
    return ConversionRequest.builder(m, m.jobId(), OutputNames.vmStem(m.vmName()), out).manifestName("vm.json");
  }

  ArtifactManifest withBootCheck(String mode) {
    return manifest.toBuilder().pipeline(new Pipeline(null, null, null, null, new Pipeline.BootCheck(mode, 60))).build();
  }

  @Test
  void modeOnFailsTheJobWithTheReasonAndPublishesNothing() throws Exception {
    ConversionRequest r = request(withBootCheck("on")).build();
    assertThatThrownBy(() -> new ConversionRunner(QemuImg.locate()).run(r))
        .isInstanceOfSatisfying(io.hypersdk.convert.bootcheck.BootCheckFailedException.class, e -> {
          assertThat(e.report().serialTail()).contains("No bootable device.");
          assertThat(e.kind()).isEqualTo(ConversionException.Kind.CONVERSION);
          assertThat(e.getMessage()).isEqualTo("boot check failed: no boot disk found by the firmware (Boot failed: "
              + "not a bootable disk)");
        });
    assertThat(Outputs.filesUnder(out)).noneMatch(f -> f.startsWith("web"));
    assertThat(r.stagingDir()).doesNotExist();
  }

  @Test
  void theDaemonsWarnDefaultPublishesWithAWarningAndTheReportInResultJson() throws Exception {
    ConversionResult result = new ConversionRunner(QemuImg.locate()).run(request(manifest)
        .bootCheckDefaults(new Pipeline.BootCheck("warn", 60)).build());
    assertThat(result.status()).isEqualTo(ConversionResult.COMPLETED);
    BootCheckReport report = result.bootCheck();
    assertThat(report.status()).isEqualTo(BootCheckReport.FAILED);
    assertThat(report.accel()).isEqualTo("tcg");
    assertThat(report.serialTail()).contains("No bootable device.");
    assertThat(result.warnings()).contains("boot check failed (boot_check: warn, so the job goes on): no boot disk "
        + "found by the firmware (Boot failed: not a bootable disk)");
    assertThat(result.stages()).extracting(StageReport::stage).endsWith("boot-check");
    assertThat(result.timingsMs()).containsKey("boot_check");
    assertThat(Files.readString(out.resolve("web.result.json"))).contains("\"boot_check\"", "\"status\" : \"failed\"",
        "\"serial_tail\"");
    assertThat(out.resolve("web.qcow2")).exists();
  }

  @Test
  void theFlagBeatsTheManifestAndOffMeansNoCheck() throws Exception {
    ConversionResult result = new ConversionRunner(QemuImg.locate()).run(request(withBootCheck("on"))
        .bootCheckOverride(new Pipeline.BootCheck("off", null)).build());
    assertThat(result.bootCheck()).isNull();
    assertThat(result.stages()).extracting(StageReport::stage).doesNotContain("boot-check");
  }
}
