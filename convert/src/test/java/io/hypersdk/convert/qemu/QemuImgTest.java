package io.hypersdk.convert.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QemuImgTest {
  @TempDir Path dir;
  QemuImg qemu;

  @BeforeEach
  void locate() throws Exception {
    Path onPath = Tools.require("qemu-img", "qemu-utils");
    qemu = QemuImg.locate();
    assertThat(qemu.binary()).isEqualTo(onPath);
  }

  @Test
  void infoReportsFormatAndSize() throws Exception {
    Path raw = TestDisks.raw(dir, "d", 8, 1);
    assertThat(qemu.info(TestDisks.vmdkStreamOptimized(raw))).satisfies(i -> {
      assertThat(i.format()).isEqualTo("vmdk");
      assertThat(i.virtualSize()).isEqualTo(8L << 20);
      assertThat(i.actualSize()).isPositive();
    });
    assertThat(qemu.info(raw).format()).isEqualTo("raw");
  }

  @Test
  void infoOfAMissingFileIsAConversionError() {
    Path missing = dir.resolve("missing.vmdk");
    assertThatThrownBy(() -> qemu.info(missing)).isInstanceOfSatisfying(ConversionException.class, e -> {
      assertThat(e.kind()).isEqualTo(ConversionException.Kind.CONVERSION);
      assertThat(e.getMessage()).startsWith("qemu-img cannot read " + missing + ": ").doesNotContain("\n");
    });
  }

  @Test
  void convertReportsProgressUpToTheEnd() throws Exception {
    Path raw = TestDisks.raw(dir, "d", 16, 2);
    Path target = dir.resolve("d.qcow2");
    List<Double> seen = new ArrayList<>();

    qemu.convert(new SourceImage(raw, "raw"), target, "qcow2", false, seen::add);

    assertThat(Tools.sameContent(target, raw)).isTrue();
    assertThat(seen).isNotEmpty().isSorted().allSatisfy(f -> assertThat(f).isBetween(0.0, 1.0));
    assertThat(seen.get(seen.size() - 1)).isEqualTo(1.0);
  }

  @Test
  void convertCommandAddsDashCOnlyWhenCompressing() {
    SourceImage s = new SourceImage(Path.of("/in/d.vmdk"), "vmdk");
    Path t = Path.of("/out/d.qcow2");
    assertThat(qemu.convertCommand(s, t, "qcow2", false))
        .containsExactly(qemu.binary().toString(), "convert", "-p", "-f", "vmdk", "-O", "qcow2", "/in/d.vmdk",
            "/out/d.qcow2");
    assertThat(qemu.convertCommand(s, t, "qcow2", true))
        .containsExactly(qemu.binary().toString(), "convert", "-p", "-f", "vmdk", "-O", "qcow2", "-c", "/in/d.vmdk",
            "/out/d.qcow2");
  }

  @Test
  void vhdIsOpenedAtItsFooterSizeWithCommasInThePathEscaped() {
    SourceImage s = new SourceImage(Path.of("/in/a,b.vhd"), "vpc");
    assertThat(qemu.convertCommand(s, Path.of("/out/d.qcow2"), "qcow2", false))
        .containsExactly(qemu.binary().toString(), "convert", "-p", "--image-opts", "-O", "qcow2",
            "driver=vpc,force_size_calc=current_size,file.filename=/in/a,,b.vhd", "/out/d.qcow2");
  }

  @Test
  void checkPassesGoodImagesAndRawOnes() throws Exception {
    Path raw = TestDisks.raw(dir, "d", 8, 3);
    assertThat(qemu.check(TestDisks.qcow2(raw), "qcow2")).isEmpty();
    assertThat(qemu.check(raw, "raw")).as("raw has no checks (exit 63)").isEmpty();
  }

  @Test
  void checkReportsABrokenQcow2() throws Exception {
    Path qcow2 = TestDisks.qcow2(TestDisks.raw(dir, "d", 8, 4));
    TestDisks.corruptQcow2Refcounts(qcow2);
    Tools.Outcome direct = Tools.exec(List.of("qemu-img", "check", "-f", "qcow2", qcow2.toString()));
    assertThat(direct.exitCode()).as(direct.output()).isEqualTo(2);

    assertThat(qemu.check(qcow2, "qcow2")).hasValueSatisfying(problem ->
        assertThat(problem).startsWith("qemu-img check exit 2: ").doesNotContain("\n"));
  }

  @Test
  void theCorruptingWrapperBreaksWhatItConverts() throws Exception {
    Path wrapper = TestDisks.corruptingQemuImg(Files.createDirectories(dir.resolve("bin")));
    Path raw = TestDisks.raw(dir, "d", 8, 5);
    Path target = dir.resolve("wrapped.qcow2");

    Tools.Outcome convert = Tools.exec(List.of(wrapper.toString(), "convert", "-p", "-f", "raw", "-O", "qcow2",
        raw.toString(), target.toString()));
    Tools.Outcome check = Tools.exec(List.of(wrapper.toString(), "check", "-f", "qcow2", target.toString()));

    assertThat(convert.exitCode()).as(convert.output()).isZero();
    assertThat(check.exitCode()).as(check.output()).isEqualTo(2);
    assertThat(check.output()).contains("refcount=0");
    Tools.Outcome info = Tools.exec(List.of(wrapper.toString(), "info", raw.toString()));
    assertThat(info.exitCode()).isZero();
    assertThat(info.output()).contains("file format: raw");
  }
}
