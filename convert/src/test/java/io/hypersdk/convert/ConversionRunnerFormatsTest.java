package io.hypersdk.convert;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.convert.qemu.ImageInfo;
import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.ManifestValidator.FileChecks;
import io.hypersdk.manifest.ManifestValidator;
import io.hypersdk.queue.ConversionResult;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every source format the exporters produce, converted with the real qemu-img and compared with its raw original. */
class ConversionRunnerFormatsTest {
  @TempDir Path dir;

  interface Maker {
    Path make(Path raw) throws IOException;
  }

  static Stream<Arguments> formats() {
    return Stream.of(
        Arguments.of("vmdk monolithicSparse", "vmdk", "vmdk", (Maker) TestDisks::vmdkSparse),
        Arguments.of("vmdk streamOptimized", "vmdk", "vmdk", (Maker) TestDisks::vmdkStreamOptimized),
        Arguments.of("vhd", "vhd", "vpc", (Maker) TestDisks::vhd),
        Arguments.of("vhdx", "vhdx", "vhdx", (Maker) TestDisks::vhdx),
        Arguments.of("raw", "raw", "raw", (Maker) raw -> raw),
        Arguments.of("qcow2", "qcow2", "qcow2", (Maker) TestDisks::qcow2),
        Arguments.of("vdi", "vdi", "vdi", (Maker) TestDisks::vdi));
  }

  @ParameterizedTest(name = "{0} -> qcow2")
  @MethodSource("formats")
  void convertsToQcow2WithTheSameContent(String name, String manifestFormat, String qemuFormat, Maker maker)
      throws Exception {
    Path raw = TestDisks.raw(dir, "src", 16, name.hashCode());
    Path source = maker.make(raw);
    if (source.equals(raw)) {
      // Keep an untouched copy to compare with, so the test would see a converter writing to its source.
      raw = Files.copy(raw, dir.resolve("original.raw"));
    }
    String sourceSha = Outputs.sha256(source);
    ArtifactManifest m = TestDisks.manifest("vm-" + manifestFormat, "job-1",
        List.of(TestDisks.disk("disk0", source, manifestFormat, 0)));
    assertThat(ManifestValidator.validate(m, FileChecks.PRESENCE_AND_CHECKSUM)).isEmpty();
    QemuImg qemu = QemuImg.locate();
    assertThat(qemu.info(source).format()).as("qemu-img's name for the source").isEqualTo(qemuFormat);
    Path out = dir.resolve("out");

    ConversionResult result = new ConversionRunner(qemu).run(
        ConversionRequest.builder(m, "job-1", "vm-" + manifestFormat, out).build());

    Path disk = out.resolve("vm-" + manifestFormat + ".qcow2");
    assertThat(result.status()).isEqualTo(ConversionResult.COMPLETED);
    assertThat(result.disks()).singleElement().satisfies(o -> {
      assertThat(o.path()).isEqualTo(disk.toString());
      assertThat(o.format()).isEqualTo("qcow2");
      assertThat(o.sha256()).isEqualTo(Outputs.sha256(disk));
    });
    ImageInfo info = qemu.info(disk);
    assertThat(info.format()).isEqualTo("qcow2");
    assertThat(info.virtualSize()).isGreaterThanOrEqualTo(16L << 20);
    assertThat(Tools.exec(List.of("qemu-img", "check", "-f", "qcow2", disk.toString())).exitCode()).isZero();
    assertThat(Tools.sameContent(disk, raw)).as("qemu-img compare %s %s", disk, raw).isTrue();
    assertThat(Outputs.sha256(source)).as("the source is left as it was").isEqualTo(sourceSha);
    assertThat(Outputs.filesUnder(out)).containsExactlyInAnyOrder("vm-" + manifestFormat + ".qcow2",
        "vm-" + manifestFormat + ".xml", "vm-" + manifestFormat + ".result.json");
    assertThat(out.resolve(".work/job-1")).doesNotExist();
  }

  @ParameterizedTest(name = "vmdk -> {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"qcow2", "raw", "vdi"})
  void convertsToEachOutputFormat(String outFormat) throws Exception {
    Path raw = TestDisks.raw(dir, "src", 8, 31);
    Path data = TestDisks.raw(dir, "data", 4, 32);
    ArtifactManifest m = TestDisks.manifest("web01", "job-o", List.of(
        TestDisks.disk("boot", TestDisks.vmdkSparse(raw), "vmdk", 0), TestDisks.disk("data", data, "raw", 1)));
    Path out = dir.resolve("out");

    ConversionResult result = new ConversionRunner(QemuImg.locate()).run(
        ConversionRequest.builder(m, "job-o", "web01", out).outFormat(outFormat).build());

    Path boot = out.resolve("web01." + outFormat);
    Path extra = out.resolve("web01-data." + outFormat);
    assertThat(result.disks()).extracting(o -> o.path(), o -> o.format()).containsExactly(
        org.assertj.core.groups.Tuple.tuple(boot.toString(), outFormat),
        org.assertj.core.groups.Tuple.tuple(extra.toString(), outFormat));
    assertThat(QemuImg.locate().info(boot).format()).isEqualTo(outFormat);
    assertThat(Tools.sameContent(boot, raw)).isTrue();
    assertThat(Tools.sameContent(extra, data)).isTrue();
    assertThat(io.hypersdk.testing.Xml.parse(Files.readString(out.resolve("web01.xml")))
        .values("/domain/devices/disk/driver/@type")).containsExactly(outFormat, outFormat);
  }
}
