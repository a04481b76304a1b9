package io.hypersdk.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.convert.ConversionException.Kind;
import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.Disk;
import io.hypersdk.manifest.Pipeline;
import io.hypersdk.queue.ConversionResult;
import io.hypersdk.queue.OutputFile;
import io.hypersdk.queue.OutputNames;
import io.hypersdk.queue.QueueFiles;
import io.hypersdk.queue.StageReport;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import io.hypersdk.testing.Xml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConversionRunnerTest {
  @TempDir Path dir;
  Path out;
  QemuImg qemu;
  RecordingEvents events;

  @BeforeEach
  void setUp() throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    out = dir.resolve("out");
    qemu = QemuImg.locate();
    events = new RecordingEvents();
  }

  private ConversionRequest.Builder request(ArtifactManifest m) {
    return ConversionRequest.builder(m, m.jobId(), OutputNames.vmStem(m.vmName()), out).manifestName("vm.json")
        .events(events);
  }

  private ConversionResult run(ArtifactManifest m) throws Exception {
    return new ConversionRunner(qemu).run(request(m).build());
  }

  private static ArtifactManifest withPipeline(ArtifactManifest m, Pipeline p) {
    return m.toBuilder().pipeline(p).build();
  }

  @Test
  void aThreeDiskVmIsPublishedInBootOrderWithAResultThatDescribesIt() throws Exception {
    Path bootRaw = TestDisks.raw(dir, "boot", 16, 1);
    Path dataRaw = TestDisks.raw(dir, "data", 8, 2);
    Path logsRaw = TestDisks.raw(dir, "logs", 8, 3);
    Path logsSource = Files.copy(logsRaw, dir.resolve("logs-source.img"));
    // Listed out of boot order: the disk without a hint (999) must end up last, the hint 0 one first.
    ArtifactManifest m = TestDisks.manifest("Ubuntu Server", "job-3d", List.of(
        Disk.builder().id("logs").sourceFormat("raw").bytes(Files.size(logsSource))
            .localPath(logsSource.toString()).build(),
        TestDisks.disk("boot", TestDisks.vmdkSparse(bootRaw), "vmdk", 0),
        TestDisks.disk("data", TestDisks.vhdx(dataRaw), "vhdx", 1)));
    Files.createDirectories(out);
    Path staleError = Files.writeString(out.resolve("Ubuntu_Server.error"), "an earlier job failed");

    ConversionResult result = run(m);

    Path boot = out.resolve("Ubuntu_Server.qcow2");
    Path data = out.resolve("Ubuntu_Server-data.qcow2");
    Path logs = out.resolve("Ubuntu_Server-logs.qcow2");
    Path xml = out.resolve("Ubuntu_Server.xml");
    Path resultJson = out.resolve("Ubuntu_Server.result.json");
    assertThat(Outputs.filesUnder(out)).containsExactlyInAnyOrder("Ubuntu_Server.qcow2",
        "Ubuntu_Server-data.qcow2", "Ubuntu_Server-logs.qcow2", "Ubuntu_Server.xml", "Ubuntu_Server.result.json");
    assertThat(staleError).as("the error of an earlier job for this VM is removed").doesNotExist();
    assertThat(out.resolve(".work/job-3d")).as("staging folder").doesNotExist();

    assertThat(Tools.sameContent(boot, bootRaw)).isTrue();
    assertThat(Tools.sameContent(data, dataRaw)).isTrue();
    assertThat(Tools.sameContent(logs, logsRaw)).isTrue();
    assertThat(Tools.sameContent(boot, dataRaw)).as("compare tells different disks apart").isFalse();

    // The domain attaches the disks in boot order, the boot disk first with boot order 1.
    Xml domain = Xml.parse(Files.readString(xml));
    assertThat(domain.value("/domain/name")).isEqualTo("Ubuntu_Server");
    assertThat(domain.value("/domain/title")).isEqualTo("Ubuntu Server");
    assertThat(domain.values("/domain/devices/disk/source/@file"))
        .containsExactly(boot.toString(), data.toString(), logs.toString());
    assertThat(domain.values("/domain/devices/disk/target/@dev")).containsExactly("vda", "vdb", "vdc");
    assertThat(domain.values("/domain/devices/disk/target/@bus")).containsOnly("virtio");
    assertThat(domain.values("/domain/devices/disk/driver/@type")).containsOnly("qcow2");
    assertThat(domain.values("/domain/devices/disk/boot/@order")).containsExactly("1", "2", "3");
    assertThat(domain.value("/domain/devices/disk[boot/@order='1']/source/@file")).isEqualTo(boot.toString());

    // The result file is the returned result, and every checksum is that of the published file.
    ConversionResult fromFile = QueueFiles.readJson(resultJson, ConversionResult.class).orElseThrow();
    assertThat(fromFile).isEqualTo(result);
    assertThat(result.status()).isEqualTo(ConversionResult.COMPLETED);
    assertThat(result.jobId()).isEqualTo("job-3d");
    assertThat(result.vmName()).isEqualTo("Ubuntu Server");
    assertThat(result.manifest()).isEqualTo("vm.json");
    assertThat(result.domainXml()).isEqualTo(xml.toString());
    assertThat(result.error()).isNull();
    assertThat(result.outputs()).extracting(OutputFile::role, OutputFile::diskId, OutputFile::path, OutputFile::format)
        .containsExactly(
            Tuple.tuple("disk", "boot", boot.toString(), "qcow2"),
            Tuple.tuple("disk", "data", data.toString(), "qcow2"),
            Tuple.tuple("disk", "logs", logs.toString(), "qcow2"),
            Tuple.tuple("domain", null, xml.toString(), "libvirt-xml"));
    for (OutputFile o : result.outputs()) {
      Path p = Path.of(o.path());
      assertThat(o.sha256()).as(o.path()).isEqualTo(Outputs.sha256(p));
      assertThat(o.bytes()).as(o.path()).isEqualTo(Files.size(p));
    }
    assertThat(result.stages()).extracting(StageReport::stage, StageReport::status).containsExactly(
        Tuple.tuple("inspect", "done"), Tuple.tuple("convert", "done"), Tuple.tuple("fix", "skipped"),
        Tuple.tuple("validate", "done"));
    assertThat(result.timingsMs()).containsKeys("inspect", "convert", "after_convert", "total");
    assertThat(Files.readString(resultJson)).contains("\"status\" : \"completed\"", "\"disk_id\" : \"boot\"",
        "\"sha256\" : \"" + Outputs.sha256(boot) + "\"");

    assertThat(events.stages).isEqualTo(result.stages());
    assertThat(events.progress).containsOnlyKeys("boot", "data", "logs").allSatisfy((id, f) ->
        assertThat(f).isEqualTo(1.0));
    // The VMDK and the raw disk go to the native converter, the VHDX to qemu-img.
    assertThat(result.disks()).extracting(OutputFile::converter).containsExactly(OutputFile.CONVERTER_NATIVE,
        OutputFile.CONVERTER_QEMU_IMG, OutputFile.CONVERTER_NATIVE);
    assertThat(events.commands).hasSize(3);
    assertThat(events.commands.get(1)).contains(" convert ", "-O qcow2");
    assertThat(List.of(events.commands.get(0), events.commands.get(2))).allSatisfy(c ->
        assertThat(c).startsWith("native convert "));
  }

  @Test
  void aRerunForTheSameVmReplacesItsOutputs() throws Exception {
    Path first = TestDisks.raw(dir, "first", 8, 10);
    Path second = TestDisks.raw(dir, "second", 8, 11);
    run(TestDisks.manifest("web01", "job-a", List.of(TestDisks.disk("disk0", first, "raw", 0))));

    ConversionResult again = run(TestDisks.manifest("web01", "job-b",
        List.of(TestDisks.disk("disk0", second, "raw", 0))));

    assertThat(again.jobId()).isEqualTo("job-b");
    assertThat(Tools.sameContent(out.resolve("web01.qcow2"), second)).isTrue();
    assertThat(Outputs.filesUnder(out)).containsExactlyInAnyOrder("web01.qcow2", "web01.xml", "web01.result.json");
  }

  @Test
  void compressWritesAValidSmallerQcow2WithTheSameContent() throws Exception {
    Path raw = TestDisks.compressibleRaw(dir, "text", 16);
    ArtifactManifest m = TestDisks.manifest("packed", "job-c", List.of(TestDisks.disk("disk0", raw, "raw", 0)));
    Path plainOut = dir.resolve("plain");
    new ConversionRunner(qemu).run(ConversionRequest.builder(m, "job-p", "packed", plainOut).build());
    Path plain = plainOut.resolve("packed.qcow2");

    ConversionResult result = new ConversionRunner(qemu).run(request(m).compress(true).build());

    Path packed = out.resolve("packed.qcow2");
    assertThat(Tools.sameContent(packed, raw)).isTrue();
    assertThat(Files.size(packed)).isLessThan(Files.size(plain) / 4);
    Tools.Outcome check = Tools.exec(List.of("qemu-img", "check", "-f", "qcow2", packed.toString()));
    assertThat(check.exitCode()).as(check.output()).isZero();
    Matcher compressed = Pattern.compile("([0-9.]+)% compressed clusters").matcher(check.output());
    assertThat(compressed.find()).as(check.output()).isTrue();
    assertThat(Double.parseDouble(compressed.group(1))).isGreaterThan(0.0);
    Tools.Outcome plainCheck = Tools.exec(List.of("qemu-img", "check", "-f", "qcow2", plain.toString()));
    assertThat(plainCheck.output()).contains("0.00% compressed clusters");
    assertThat(result.stages()).filteredOn(s -> s.stage().equals("convert")).singleElement()
        .satisfies(s -> assertThat(s.message()).contains("(compressed)"));
    // A raw disk into qcow2 is the native converter's; it compresses each cluster as qemu-img -c does.
    assertThat(events.commands).singleElement().satisfies(c -> assertThat(c).startsWith("native convert ")
        .endsWith("(qcow2, compressed)"));
  }

  @Test
  void aCompressLevelThatQemuImgCannotApplyIsAWarning() throws Exception {
    Path raw = TestDisks.compressibleRaw(dir, "text", 4);
    ArtifactManifest m = withPipeline(TestDisks.manifest("packed", "job-c",
        List.of(TestDisks.disk("disk0", raw, "raw", 0))), new Pipeline(null, null,
        new Pipeline.Convert(true, true, 9), null));

    ConversionResult result = new ConversionRunner(qemu).run(request(m).compress(true).build());

    assertThat(result.warnings()).anySatisfy(w -> assertThat(w).contains("compress_level 9 was not applied"));
  }

  @ParameterizedTest(name = "a {1} file declared {0}")
  @CsvSource({"raw, qcow2", "vmdk, vhdx", "vhdx, vmdk", "qcow2, vpc"})
  void aDeclaredFormatThatContradictsTheFileIsAnInvalidManifest(String declared, String actual) throws Exception {
    Path raw = TestDisks.raw(dir, "src", 8, 5);
    Path source = TestDisks.as(raw, actual, null, actual);
    ArtifactManifest m = TestDisks.manifest("web01", "job-x", List.of(TestDisks.disk("disk0", source, declared, 0)));

    assertThatThrownBy(() -> run(m))
        .isInstanceOfSatisfying(ConversionException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.INVALID_MANIFEST);
          assertThat(e.getMessage()).isEqualTo("disk disk0: source_format is " + declared + " but " + source
              + " is a " + actual + " image");
        });
    assertThat(Outputs.filesUnder(out)).isEmpty();
  }

  @Test
  void aCorruptSourceDiskFailsAndLeavesNoPartialOutput() throws Exception {
    Path bootRaw = TestDisks.raw(dir, "boot", 16, 7);
    Path garbage = TestDisks.garbage(dir, "data.vmdk", 1 << 20, 8);
    ArtifactManifest m = TestDisks.manifest("web01", "job-bad", List.of(
        TestDisks.disk("boot", TestDisks.vmdkSparse(bootRaw), "vmdk", 0),
        TestDisks.disk("data", garbage, "vmdk", 1)));

    assertThatThrownBy(() -> run(m))
        .isInstanceOfSatisfying(ConversionException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.CONVERSION);
          assertThat(e.getMessage()).startsWith("qemu-img could not convert " + garbage + ": ")
              .doesNotContain("\n");
        });

    // The boot disk was converted into the staging folder before the data disk failed ...
    assertThat(events.progress).containsEntry("boot", 1.0);
    // ... and none of it is left: nothing under a final name, no staging folder.
    assertThat(Outputs.filesUnder(out)).isEmpty();
    assertThat(out.resolve(".work/job-bad")).doesNotExist();
    assertThat(out.resolve("web01.qcow2")).doesNotExist();
  }

  @Test
  void aSourceWithABrokenHeaderFailsAtInspection() throws Exception {
    Path broken = dir.resolve("broken.vmdk");
    byte[] content = new byte[64 * 1024];
    new java.util.Random(9).nextBytes(content);
    System.arraycopy("KDMV".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, content, 0, 4);
    Files.write(broken, content);
    ArtifactManifest m = TestDisks.manifest("web01", "job-h", List.of(TestDisks.disk("disk0", broken, "vmdk", 0)));

    assertThatThrownBy(() -> run(m))
        .isInstanceOfSatisfying(ConversionException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.CONVERSION);
          assertThat(e.getMessage()).startsWith("qemu-img cannot read " + broken + ": ");
        });
    assertThat(Outputs.filesUnder(out)).isEmpty();
  }

  @Test
  void aDryRunWritesNothing() throws Exception {
    Path raw = TestDisks.raw(dir, "src", 8, 12);
    Path vmdk = TestDisks.vmdkSparse(raw);
    ArtifactManifest m = TestDisks.manifest("web01", "job-d", List.of(
        TestDisks.disk("disk0", vmdk, "vmdk", 0), TestDisks.disk("disk1", raw, "raw", 1)));
    List<String> before = Outputs.filesUnder(dir);

    ConversionResult result = new ConversionRunner(qemu).run(request(m).dryRun(true).build());

    assertThat(result.status()).isEqualTo(ConversionResult.DRY_RUN);
    assertThat(result.succeeded()).isTrue();
    assertThat(result.disks()).extracting(OutputFile::path)
        .containsExactly(out.resolve("web01.qcow2").toString(), out.resolve("web01-disk1.qcow2").toString());
    assertThat(out).doesNotExist();
    assertThat(Outputs.filesUnder(dir)).isEqualTo(before);
    assertThat(result.stages()).extracting(StageReport::stage, StageReport::status).containsExactly(
        Tuple.tuple("inspect", "done"), Tuple.tuple("convert", "skipped"), Tuple.tuple("fix", "skipped"));
    assertThat(events.commands).containsExactly(
        "native convert " + vmdk + " (monolithicSparse VMDK) -> " + out.resolve("web01.qcow2") + " (qcow2)",
        "native convert " + raw + " (raw) -> " + out.resolve("web01-disk1.qcow2") + " (qcow2)");

    // With converter: qemu-img, the qemu-img command lines.
    events.commands.clear();
    new ConversionRunner(qemu).run(request(m).dryRun(true).nativeConverter(false).build());
    assertThat(events.commands).containsExactly(
        String.join(" ", qemu.binary().toString(), "convert", "-p", "-f", "vmdk", "-O", "qcow2", vmdk.toString(),
            out.resolve("web01.qcow2").toString()),
        String.join(" ", qemu.binary().toString(), "convert", "-p", "-f", "raw", "-O", "qcow2", raw.toString(),
            out.resolve("web01-disk1.qcow2").toString()));
  }

  @Test
  void disabledStagesAreSkippedAndTheGuestIsLeftUnchanged() throws Exception {
    Path raw = TestDisks.raw(dir, "src", 8, 13);
    ArtifactManifest m = withPipeline(TestDisks.manifest("web01", "job-s",
        List.of(TestDisks.disk("disk0", raw, "raw", 0))), new Pipeline(new Pipeline.Inspect(false, null),
        new Pipeline.Fix(false, null, null, null, null, null, null), null, new Pipeline.Validate(false, null)));

    ConversionResult result = run(m);

    assertThat(result.stages()).extracting(StageReport::stage, StageReport::status).containsExactly(
        Tuple.tuple("inspect", "skipped"), Tuple.tuple("convert", "done"), Tuple.tuple("fix", "skipped"),
        Tuple.tuple("validate", "skipped"));
    assertThat(result.stages().get(2).message()).isEqualTo("fix stage disabled by the manifest");
    assertThat(result.changes()).isEmpty();
    assertThat(Tools.sameContent(out.resolve("web01.qcow2"), raw)).isTrue();
  }

  @Test
  void anIntegrityCheckSwitchedOffIsReportedSkipped() throws Exception {
    Path raw = TestDisks.raw(dir, "src", 4, 14);
    ArtifactManifest m = withPipeline(TestDisks.manifest("web01", "job-v",
        List.of(TestDisks.disk("disk0", raw, "raw", 0))), new Pipeline(null, null, null,
        new Pipeline.Validate(true, false)));

    assertThat(run(m).stages()).filteredOn(s -> s.stage().equals("validate")).singleElement()
        .extracting(StageReport::status).isEqualTo("skipped");
  }

  @Test
  void withConversionDisabledTheDomainUsesTheSourceDisks() throws Exception {
    Path raw = TestDisks.raw(dir, "src", 8, 15);
    Path vhd = TestDisks.vhd(raw);
    ArtifactManifest m = withPipeline(TestDisks.manifest("web01", "job-n",
        List.of(TestDisks.disk("disk0", vhd, "vhd", 0))), new Pipeline(null, null,
        new Pipeline.Convert(false, null, null), null));

    ConversionResult result = run(m);

    assertThat(result.stages()).filteredOn(s -> s.stage().equals("convert")).singleElement()
        .extracting(StageReport::status).isEqualTo("skipped");
    assertThat(result.disks()).isEmpty();
    assertThat(Outputs.filesUnder(out)).containsExactlyInAnyOrder("web01.xml", "web01.result.json");
    Xml domain = Xml.parse(Files.readString(out.resolve("web01.xml")));
    assertThat(domain.value("/domain/devices/disk/source/@file")).isEqualTo(vhd.toString());
    assertThat(domain.value("/domain/devices/disk/driver/@type")).isEqualTo("vpc");
  }

  @Test
  void theOutputFileNameOfTheManifestNamesTheBootDisk() throws Exception {
    Path bootRaw = TestDisks.raw(dir, "boot", 4, 16);
    Path dataRaw = TestDisks.raw(dir, "data", 4, 17);
    ArtifactManifest m = TestDisks.manifest("web01", "job-f", List.of(
        TestDisks.disk("boot", bootRaw, "raw", 0), TestDisks.disk("data", dataRaw, "raw", 1)));

    ConversionResult result = new ConversionRunner(qemu).run(request(m).primaryFileName("custom.qcow2").build());

    assertThat(result.disks()).extracting(OutputFile::path).containsExactly(out.resolve("custom.qcow2").toString(),
        out.resolve("web01-data.qcow2").toString());
    assertThat(Tools.sameContent(out.resolve("custom.qcow2"), bootRaw)).isTrue();
    assertThat(Outputs.filesUnder(out)).containsExactlyInAnyOrder("custom.qcow2", "web01-data.qcow2", "web01.xml",
        "web01.result.json");
  }
}
