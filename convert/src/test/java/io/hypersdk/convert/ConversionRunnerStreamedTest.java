package io.hypersdk.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.convert.ConversionException.Kind;
import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.io.Sha256;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.Disk;
import io.hypersdk.queue.ConversionResult;
import io.hypersdk.queue.OutputNames;
import io.hypersdk.queue.StreamedDisks;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A streaming export leaves qcow2 disks and their record in the job's staging folder: the conversion takes
 * them instead of converting their sources (which need not exist), checks their stream checksums, and converts
 * the other disks as usual.
 */
class ConversionRunnerStreamedTest {
  static final String STREAM_SHA = "sha256:" + "ab".repeat(32);
  @TempDir Path dir;
  Path out;
  Path staging;
  RecordingEvents events;

  @BeforeEach
  void setUp() throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    out = dir.resolve("out");
    staging = Files.createDirectories(out.resolve(".work/job-s"));
    events = new RecordingEvents();
  }

  /** A boot disk streamed into staging (its VMDK was never written) and a data disk exported as a file. */
  private ArtifactManifest streamedBootAndPlainData(Path bootRaw, Path dataRaw, String manifestChecksum)
      throws Exception {
    Path streamed = Files.move(TestDisks.qcow2(bootRaw), staging.resolve("vm-disk1.vmdk.qcow2"));
    Path notWritten = dir.resolve("vm-disk1.vmdk");
    new StreamedDisks(List.of(new StreamedDisks.Entry(notWritten.toString(), "vmdk", 12345, STREAM_SHA,
        Files.size(bootRaw), streamed.getFileName().toString(), Files.size(streamed), Sha256.ofFile(streamed),
        "native"))).write(staging);
    return TestDisks.manifest("vm", "job-s", List.of(
        Disk.builder().id("boot").sourceFormat("vmdk").bytes(12345).localPath(notWritten.toString())
            .checksum(manifestChecksum).bootOrderHint(0).build(),
        TestDisks.disk("data", TestDisks.vmdkStreamOptimized(dataRaw), "vmdk", 1)));
  }

  private ConversionResult run(ArtifactManifest m) throws Exception {
    return new ConversionRunner(QemuImg.locate()).run(ConversionRequest.builder(m, m.jobId(),
        OutputNames.vmStem(m.vmName()), out).manifestName("vm.json").events(events).build());
  }

  @Test
  void theStreamedDiskIsTakenAndTheOtherConverted() throws Exception {
    Path bootRaw = TestDisks.raw(dir, "boot", 16, 51);
    Path dataRaw = TestDisks.raw(dir, "data", 8, 52);

    ConversionResult r = run(streamedBootAndPlainData(bootRaw, dataRaw, STREAM_SHA));

    assertThat(r.status()).isEqualTo(ConversionResult.COMPLETED);
    assertThat(Tools.sameContent(out.resolve("vm.qcow2"), bootRaw)).isTrue();
    assertThat(Tools.sameContent(out.resolve("vm-data.qcow2"), dataRaw)).isTrue();
    assertThat(events.commands).anyMatch(c -> c.startsWith("streamed: ") && c.contains("vm-disk1.vmdk"));
    assertThat(events.commands.stream().filter(c -> c.contains(" convert ")).toList()).as("only the data disk is "
        + "converted").singleElement().asString().contains(dataRaw.getFileName().toString().replace(".raw", ""))
        .doesNotContain("vm-disk1");
    assertThat(r.disks()).extracting(o -> o.converter()).as("what converted each disk")
        .containsExactly("native", "native");
    assertThat(r.stages()).anyMatch(s -> s.stage().equals("validate") && s.message().contains("check passed for 2"));
    assertThat(staging).as("the staging folder is gone after publishing").doesNotExist();
  }

  @Test
  void aStreamChecksumThatDiffersFromTheManifestPublishesNothing() throws Exception {
    Path bootRaw = TestDisks.raw(dir, "boot", 16, 53);
    Path dataRaw = TestDisks.raw(dir, "data", 8, 54);
    ArtifactManifest m = streamedBootAndPlainData(bootRaw, dataRaw, "sha256:" + "cd".repeat(32));

    assertThatThrownBy(() -> run(m)).isInstanceOfSatisfying(ConversionException.class, e -> {
      assertThat(e.kind()).isEqualTo(Kind.INVALID_MANIFEST);
      assertThat(e.getMessage()).contains("disks[0].checksum", "the exported stream hashes to " + STREAM_SHA);
    });
    assertThat(out.resolve("vm.qcow2")).doesNotExist();
    assertThat(staging).doesNotExist();
  }

  @Test
  void aStreamedDiskWithoutItsSourceCannotBecomeAnotherFormat() throws Exception {
    Path bootRaw = TestDisks.raw(dir, "boot", 16, 55);
    Path dataRaw = TestDisks.raw(dir, "data", 8, 56);
    ArtifactManifest m = streamedBootAndPlainData(bootRaw, dataRaw, STREAM_SHA);

    assertThatThrownBy(() -> new ConversionRunner(QemuImg.locate()).run(ConversionRequest.builder(m, m.jobId(),
        OutputNames.vmStem(m.vmName()), out).outFormat("raw").events(events).build()))
        .isInstanceOf(ConversionException.class).hasMessageContaining("--keep-source");
    assertThat(staging).doesNotExist();
  }
}
