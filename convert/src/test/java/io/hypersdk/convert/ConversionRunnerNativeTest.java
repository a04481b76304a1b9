package io.hypersdk.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.convert.ConversionException.Kind;
import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.Disk;
import io.hypersdk.queue.ConversionResult;
import io.hypersdk.queue.OutputFile;
import io.hypersdk.queue.OutputNames;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native converter inside a conversion: which disks it takes, its single-pass checksum, its refusals. */
class ConversionRunnerNativeTest {
  @TempDir Path dir;
  Path out;
  RecordingEvents events;

  @BeforeEach
  void setUp() {
    Tools.require("qemu-img", "qemu-utils");
    out = dir.resolve("out");
    events = new RecordingEvents();
  }

  private ConversionResult run(ArtifactManifest m, boolean nativeConverter) throws Exception {
    return new ConversionRunner(QemuImg.locate()).run(ConversionRequest.builder(m, m.jobId(),
        OutputNames.vmStem(m.vmName()), out).manifestName("vm.json").events(events)
        .nativeConverter(nativeConverter).build());
  }

  @Test
  void supportedDisksConvertNativelyTheRestWithQemuImgAndTheResultSaysWhich() throws Exception {
    Path bootRaw = TestDisks.raw(dir, "boot", 12, 1);
    Path dataRaw = TestDisks.raw(dir, "data", 8, 2);
    ArtifactManifest m = TestDisks.manifest("web01", "job-n", List.of(
        TestDisks.disk("boot", TestDisks.vmdkStreamOptimized(bootRaw), "vmdk", 0),
        TestDisks.disk("data", TestDisks.vhdx(dataRaw), "vhdx", 1)));

    ConversionResult result = run(m, true);

    Path boot = out.resolve("web01.qcow2");
    Path data = out.resolve("web01-data.qcow2");
    assertThat(Tools.sameContent(boot, bootRaw)).isTrue();
    assertThat(Tools.sameContent(data, dataRaw)).isTrue();
    assertThat(result.disks()).extracting(OutputFile::diskId, OutputFile::converter).containsExactly(
        Tuple.tuple("boot", OutputFile.CONVERTER_NATIVE), Tuple.tuple("data", OutputFile.CONVERTER_QEMU_IMG));
    for (OutputFile o : result.disks()) {
      assertThat(o.sha256()).as(o.path()).isEqualTo(Outputs.sha256(Path.of(o.path())));
      assertThat(o.bytes()).isEqualTo(Files.size(Path.of(o.path())));
    }
    assertThat(Files.readString(out.resolve("web01.result.json"))).contains("\"converter\" : \"native\"");
    assertThat(events.commands.get(0)).startsWith("native convert ").contains("(streamOptimized VMDK)");
    assertThat(events.commands.get(1)).contains(" convert ", "-O qcow2");
    assertThat(events.progress).containsEntry("boot", 1.0).containsEntry("data", 1.0);
  }

  @Test
  void converterQemuImgConvertsEveryDiskWithQemuImg() throws Exception {
    Path raw = TestDisks.raw(dir, "boot", 8, 3);
    ArtifactManifest m = TestDisks.manifest("web01", "job-q", List.of(
        TestDisks.disk("boot", TestDisks.vmdkStreamOptimized(raw), "vmdk", 0)));

    ConversionResult result = run(m, false);

    assertThat(result.disks()).extracting(OutputFile::converter).containsExactly(OutputFile.CONVERTER_QEMU_IMG);
    assertThat(Tools.sameContent(out.resolve("web01.qcow2"), raw)).isTrue();
  }

  @Test
  void aSourceThatDoesNotMatchItsChecksumFailsFromTheConversionsOwnPass() throws Exception {
    Path raw = TestDisks.raw(dir, "boot", 8, 4);
    Path vmdk = TestDisks.vmdkStreamOptimized(raw);
    Disk honest = TestDisks.disk("boot", vmdk, "vmdk", 0);
    String wrong = "sha256:" + "0".repeat(64);
    Disk lying = Disk.builder().id("boot").sourceFormat("vmdk").bytes(honest.bytes()).localPath(honest.localPath())
        .checksum(wrong).bootOrderHint(0).build();
    ArtifactManifest m = TestDisks.manifest("web01", "job-c", List.of(lying));

    assertThatThrownBy(() -> run(m, true)).isInstanceOfSatisfying(ConversionException.class, e -> {
      assertThat(e.kind()).isEqualTo(Kind.INVALID_MANIFEST);
      assertThat(e.getMessage()).isEqualTo("invalid manifest vm.json: disks[0].checksum: does not match " + vmdk
          + " (manifest has " + wrong + ", the file hashes to " + honest.checksum() + ")");
    });
    assertThat(Outputs.filesUnder(out)).isEmpty();
  }

  @Test
  void aVmdkWhoseGrainsAreNotInDiskOrderIsConvertedByQemuImgWithAWarning() throws Exception {
    Tools.require("qemu-io", "qemu-utils");
    Path vmdk = dir.resolve("boot.vmdk");
    Tools.run(List.of("qemu-img", "create", "-q", "-f", "vmdk", vmdk.toString(), "8M"));
    // qemu allocates a monolithicSparse grain where it is first written: the end of the disk is stored first.
    Tools.run(List.of("qemu-io", "-f", "vmdk", "-c", "write -P 0x11 4M 64k", "-c", "write -P 0x22 0 64k",
        vmdk.toString()));
    ArtifactManifest m = TestDisks.manifest("web01", "job-o", List.of(TestDisks.disk("boot", vmdk, "vmdk", 0)));

    ConversionResult result = run(m, true);

    Path boot = out.resolve("web01.qcow2");
    assertThat(Tools.sameContent(boot, vmdk)).isTrue();
    assertThat(result.disks()).extracting(OutputFile::converter).containsExactly(OutputFile.CONVERTER_QEMU_IMG);
    assertThat(result.disks().get(0).sha256()).isEqualTo(Outputs.sha256(boot));
    assertThat(result.warnings()).singleElement().asString().startsWith("disk boot: converted by qemu-img, not the "
        + "native converter, which reads an image in one pass (monolithicSparse VMDK at byte ")
        .contains("is stored after grain").endsWith("can be converted in one pass)");
    assertThat(events.commands).hasSize(2);
    assertThat(events.commands.get(1)).contains(" convert ", "-O qcow2");
  }

  @Test
  void aMalformedSourceIsRefusedWithItsOffsetAndLeavesNothing() throws Exception {
    Path raw = TestDisks.raw(dir, "boot", 8, 5);
    Path vmdk = TestDisks.vmdkStreamOptimized(raw);
    byte[] b = Files.readAllBytes(vmdk);
    Files.write(vmdk, Arrays.copyOf(b, (64 << 10) + 1000));
    ArtifactManifest m = TestDisks.manifest("web01", "job-m", List.of(TestDisks.disk("boot", vmdk, "vmdk", 0)));

    assertThatThrownBy(() -> run(m, true)).isInstanceOfSatisfying(ConversionException.class, e -> {
      assertThat(e.kind()).isEqualTo(Kind.CONVERSION);
      assertThat(e.getMessage()).startsWith("cannot convert disk boot (" + vmdk + "): malformed streamOptimized "
          + "VMDK at byte ").contains("cut short").endsWith("lets qemu-img try it)").doesNotContain("\n");
    });
    assertThat(Outputs.filesUnder(out)).isEmpty();
    assertThat(out.resolve(".work/job-m")).doesNotExist();
  }

  @Test
  void aSourceCutShortAfterItsChecksumWasTakenIsReportedAsAChecksumMismatch() throws Exception {
    Path raw = TestDisks.raw(dir, "boot", 8, 6);
    Path vmdk = TestDisks.vmdkStreamOptimized(raw);
    Disk exported = TestDisks.disk("boot", vmdk, "vmdk", 0);
    byte[] b = Files.readAllBytes(vmdk);
    Files.write(vmdk, Arrays.copyOf(b, (64 << 10) + 1000));
    ArtifactManifest m = TestDisks.manifest("web01", "job-t", List.of(exported));

    assertThatThrownBy(() -> run(m, true)).isInstanceOfSatisfying(ConversionException.class, e -> {
      assertThat(e.kind()).isEqualTo(Kind.INVALID_MANIFEST);
      assertThat(e.getMessage()).startsWith("invalid manifest vm.json: disks[0].checksum: does not match " + vmdk);
    });
    assertThat(Outputs.filesUnder(out)).isEmpty();
  }
}
