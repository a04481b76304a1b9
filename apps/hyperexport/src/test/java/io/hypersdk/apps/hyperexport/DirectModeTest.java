package io.hypersdk.apps.hyperexport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypersdk.cli.ExitCode;
import io.hypersdk.io.Sha256;
import io.hypersdk.manifest.HyperSdkVersion;
import io.hypersdk.manifest.ManifestIO;
import io.hypersdk.manifest.ManifestValidator;
import io.hypersdk.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** hyperexport with the local provider and the bundled converter, no daemon involved. */
class DirectModeTest extends EndToEndTest {

  @Test
  void anOvaIsExportedAndConvertedAndPipelineImpliesTheManifest() throws Exception {
    Path out = work.resolve("export");
    Result r = tools.hyperexport("--provider", "local", "--vm", vm.ova().toString(), "--output", out.toString(),
        "--pipeline", "--no-fix");

    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.values("Mode")).as("%s", r).containsExactly("direct (daemon mode not requested)");
    assertThat(r.values("Output")).as("%s", r).containsExactly(out.resolve("web01.qcow2").toString(),
        out.resolve("web01-disk-1.qcow2").toString());
    assertThat(r.stdoutLines()).as("%s", r).last().asString().startsWith("Result: success");
    assertWebConverted(out);
    // The converter's own Output: lines are streamed to stderr as it runs.
    assertThat(r.stderr()).contains("  Output: " + out.resolve("web01.qcow2"));

    Path xml = out.resolve("web01.xml");
    assertThat(r.values("Domain XML")).containsExactly(xml.toString());
    String domain = Files.readString(xml, StandardCharsets.UTF_8);
    assertThat(domain).contains("<name>web01</name>").contains(out.resolve("web01.qcow2").toString())
        .contains(out.resolve("web01-disk-1.qcow2").toString());

    // --pipeline without --manifest still writes it: the converter reads it.
    assertThat(out.resolve("artifact-manifest.json")).isRegularFile();
    assertThat(r.values("Manifest")).containsExactly(out.resolve("artifact-manifest.json").toString());
  }

  @Test
  void jsonSaysDirectModeAndListsTheOutputs() throws Exception {
    Path out = work.resolve("export");
    Result r = tools.hyperexport("--provider", "local", "--vm", vm.ova().toString(), "--output", out.toString(),
        "--pipeline", "--no-fix", "--json");

    assertThat(r.exit()).as("%s", r).isZero();
    JsonNode j = r.json();
    assertThat(j.path("success").asBoolean()).isTrue();
    assertThat(j.path("vm").asText()).isEqualTo("web01");
    JsonNode p = j.path("pipeline");
    assertThat(p.path("success").asBoolean()).isTrue();
    assertThat(p.path("execution").path("mode").asText()).isEqualTo("direct");
    assertThat(p.path("converter").asText()).isEqualTo("bundled hyperconvert");
    assertThat(p.path("job_state").asText()).isEqualTo("completed");
    assertThat(p.path("outputs")).extracting(JsonNode::asText).containsExactly(
        out.resolve("web01.qcow2").toString(), out.resolve("web01-disk-1.qcow2").toString());
    assertThat(p.path("domain_xml").asText()).isEqualTo(out.resolve("web01.xml").toString());
    assertThat(p.path("error").isMissingNode() || p.path("error").isNull()).isTrue();
    JsonNode manifest = new ObjectMapper().readTree(out.resolve("artifact-manifest.json").toFile());
    assertThat(j.path("job_id").asText()).isEqualTo(manifest.path("metadata").path("job_id").asText())
        .isEqualTo(p.path("job_id").asText());
    assertWebConverted(out);
  }

  @Test
  void anOvfFolderIsASource() {
    Path out = work.resolve("export");
    Result r = tools.hyperexport("--provider", "local", "--vm", vm.ovfFolder().toString(), "--output",
        out.toString(), "--pipeline", "--no-fix", "-q");

    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.values("VM")).singleElement().asString().startsWith("web01 (2 disk(s)");
    assertThat(r.values("Output")).hasSize(2);
    assertWebConverted(out);
  }

  @Test
  void diskImagesSeparatedByCommasAreASource() {
    Path out = work.resolve("export");
    Result r = tools.hyperexport("--provider", "local", "--vm", vm.webBootVmdk() + "," + vm.webDataVmdk(),
        "--output", out.toString(), "--pipeline", "--no-fix", "-q");

    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.values("Output")).containsExactly(out.resolve("web01.qcow2").toString(),
        out.resolve("web01-disk-1.qcow2").toString());
    assertWebConverted(out);
  }

  @Test
  void theManifestHasTheBootHintChecksumsJobIdAndVersion() throws Exception {
    Path out = work.resolve("export");
    Result r = tools.hyperexport("--provider", "local", "--vm", vm.ova().toString(), "--output", out.toString(),
        "--manifest", "--pipeline=false", "--json", "-q");

    assertThat(r.exit()).as("%s", r).isZero();
    Path file = out.resolve("artifact-manifest.json");
    assertThat(r.json().path("manifest").asText()).isEqualTo(file.toString());
    assertThat(r.json().path("pipeline").isMissingNode() || r.json().path("pipeline").isNull())
        .as("--pipeline=false runs no conversion").isTrue();
    assertThat(names(out)).noneMatch(n -> n.endsWith(".qcow2"));

    JsonNode m = new ObjectMapper().readTree(file.toFile());
    assertThat(m.path("manifest_version").asText()).isEqualTo("1.0");
    assertThat(m.path("source").path("vm_name").asText()).isEqualTo("web01");
    assertThat(m.path("source").path("provider").asText()).isEqualTo("local");
    assertThat(m.path("metadata").path("job_id").asText()).matches("web01-\\d{14}-[0-9a-f]{12}")
        .isEqualTo(r.json().path("job_id").asText());
    assertThat(m.path("metadata").path("hypersdk_version").asText()).isEqualTo(HyperSdkVersion.get())
        .isNotEqualTo("unknown");
    JsonNode disks = m.path("disks");
    assertThat(disks).hasSize(2);
    assertThat(disks.get(0).path("boot_order_hint").asInt(-1)).isZero();
    assertThat(disks.get(0).path("disk_type").asText()).isEqualTo("boot");
    assertThat(disks.get(1).path("boot_order_hint").asInt(-1)).isEqualTo(1);
    for (JsonNode d : disks) {
      Path local = Path.of(d.path("local_path").asText());
      assertThat(local.getParent()).isEqualTo(out);
      assertThat(d.path("checksum").asText()).as("checksum of %s", local).isEqualTo(Sha256.ofFile(local));
      assertThat(d.path("bytes").asLong()).isEqualTo(Files.size(local));
      assertThat(d.path("source_format").asText()).isEqualTo("vmdk");
    }
    assertThat(m.path("pipeline").path("fix").path("enabled").asBoolean()).as("the fix is on by default").isTrue();
    assertThat(m.path("pipeline").has("boot_check")).as("no boot check asked for: the converter's default").isFalse();
    // The project's own validator, checksums included, accepts it as written.
    ManifestValidator.requireValid(ManifestIO.read(file), file.getFileName().toString(),
        ManifestValidator.FileChecks.PRESENCE_AND_CHECKSUM);
  }

  @Test
  void noFixAndTheBootCheckReachTheManifest() throws Exception {
    Path out = work.resolve("export");
    Result r = tools.hyperexport("--provider", "local", "--vm", vm.ova().toString(), "--output", out.toString(),
        "--manifest", "--pipeline=false", "--no-fix", "--boot-check=warn", "--boot-check-timeout", "600", "-q");

    assertThat(r.exit()).as("%s", r).isZero();
    JsonNode p = new ObjectMapper().readTree(out.resolve("artifact-manifest.json").toFile()).path("pipeline");
    assertThat(p.path("fix").path("enabled").asBoolean(true)).isFalse();
    assertThat(p.path("boot_check").path("mode").asText()).isEqualTo("warn");
    assertThat(p.path("boot_check").path("timeout_seconds").asInt()).isEqualTo(600);

    Path bare = work.resolve("bare");
    assertThat(tools.hyperexport("--provider", "local", "--vm", vm.ova().toString(), "--output", bare.toString(),
        "--manifest", "--boot-check", "-q").exit()).isZero();
    JsonNode b = new ObjectMapper().readTree(bare.resolve("artifact-manifest.json").toFile()).path("pipeline");
    assertThat(b.path("boot_check").path("mode").asText()).as("a bare --boot-check means on").isEqualTo("on");
    assertThat(b.path("boot_check").has("timeout_seconds")).isFalse();
  }

  @Test
  void theBootCheckAskedForOnTheCommandLineRunsInTheConverter() throws Exception {
    Tools.require("qemu-system-x86_64", "qemu-system-x86");
    // The sample disks hold no operating system, so the guest cannot boot: warn completes with the reason,
    // on fails the conversion with it.
    Path warned = work.resolve("warn");
    Result warn = tools.hyperexport("--provider", "local", "--vm", vm.dbVmdk().toString(), "--output",
        warned.toString(), "--pipeline", "--no-fix", "--boot-check=warn", "--boot-check-timeout", "10", "--json");

    assertThat(warn.exit()).as("%s", warn).isZero();
    // The converter's own lines, streamed to stderr in direct mode.
    assertThat(warn.stderr()).as("%s", warn)
        .contains("Warning: boot check failed (boot_check: warn, so the job goes on): ")
        .contains("Boot check: failed: ");
    assertThat(warned.resolve("db01.qcow2")).isRegularFile();
    JsonNode pipeline = warn.json().path("pipeline");
    assertThat(pipeline.path("boot_check").path("status").asText()).as("%s", warn).isEqualTo("failed");
    assertThat(pipeline.path("boot_check").path("reason").asText()).isNotBlank();
    assertThat(pipeline.path("warnings")).extracting(JsonNode::asText)
        .anyMatch(w -> w.startsWith("boot check failed (boot_check: warn, so the job goes on): "));

    Path failed = work.resolve("on");
    Result on = tools.hyperexport("--provider", "local", "--vm", vm.dbVmdk().toString(), "--output",
        failed.toString(), "--pipeline", "--no-fix", "--boot-check", "--boot-check-timeout", "10", "--json");

    assertThat(on.exit()).as("%s", on).isEqualTo(ExitCode.CONVERSION_FAILED.code());
    assertThat(on.json().path("pipeline").path("error").asText()).as("%s", on).contains("boot check failed: ");
    assertThat(names(failed)).as("a VM that does not boot is not published").noneMatch(n -> n.endsWith(".qcow2"));
  }
}
