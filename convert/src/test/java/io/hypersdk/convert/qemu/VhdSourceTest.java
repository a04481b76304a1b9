package io.hypersdk.convert.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionRequest;
import io.hypersdk.convert.ConversionRunner;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.queue.ConversionResult;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fixed VHDs whose footers name each creator application qemu sizes differently: all convert at the footer's
 * current size, with the disk's last bytes (where a GPT keeps its backup) intact.
 */
class VhdSourceTest {
  /** 64 MiB: its CHS geometry (963/8/17) covers 104 sectors less, so a geometry-sized read loses the end. */
  private static final long SIZE = 64L << 20;

  @TempDir Path dir;
  QemuImg qemu;
  Path raw;

  @BeforeEach
  void image() throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    qemu = QemuImg.locate();
    raw = TestDisks.raw(dir, "d", 64, 7);
    byte[] tail = new byte[64 << 10];
    new Random(8).nextBytes(tail);
    try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
      f.seek(SIZE - tail.length);
      f.write(tail);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"wa\0\0", "vpc ", "qemu", "win "})
  void fixedVhdConvertsAtItsFooterSize(String creator) throws Exception {
    Path vhd = fixedVhd(creator, SIZE, true);
    assertThat(VhdFooter.read(vhd)).isEqualTo(new VhdFooter(creator, SIZE, VhdFooter.FIXED));
    SourceImage source = SourceImage.verified(vhd, "vpc");
    assertThat(qemu.info(source).virtualSize()).isEqualTo(SIZE);

    Path qcow2 = dir.resolve("out.qcow2");
    qemu.convert(source, qcow2, "qcow2", false, f -> { });
    assertThat(qemu.info(qcow2).virtualSize()).isEqualTo(SIZE);
    assertThat(Tools.sameContent(qcow2, raw)).as("qemu-img compare %s %s", qcow2, raw).isTrue();
  }

  @Test
  void anAzureFixedVhdGoesThroughTheConverterWhole() throws Exception {
    Path vhd = fixedVhd("wa\0\0", SIZE, true);
    ArtifactManifest m = TestDisks.manifest("vm-az", "job-1", List.of(TestDisks.disk("disk0", vhd, "vhd", 0)));
    Path out = dir.resolve("out");
    ConversionResult result = new ConversionRunner(qemu).run(ConversionRequest.builder(m, "job-1", "vm-az", out)
        .build());
    assertThat(result.status()).isEqualTo(ConversionResult.COMPLETED);
    assertThat(result.stages()).anySatisfy(st -> assertThat(st.message()).contains(SIZE + " bytes virtual"));
    Path disk = out.resolve("vm-az.qcow2");
    assertThat(qemu.info(disk).virtualSize()).isEqualTo(SIZE);
    assertThat(Tools.sameContent(disk, raw)).isTrue();
  }

  @Test
  void plainVpcDriverWouldCutAnAzureDiskShort() throws Exception {
    // The reason for the option string: qemu's default for creator "wa" is the CHS size.
    Path vhd = fixedVhd("wa\0\0", SIZE, true);
    String out = Tools.run(List.of("qemu-img", "info", "-f", "vpc", "--output=json", vhd.toString()));
    assertThat(out).contains("\"virtual-size\": " + (963L * 8 * 17 * 512));
  }

  @Test
  void dynamicVhdKeepsConverting() throws Exception {
    Path vhd = TestDisks.as(raw, "vpc", "subformat=dynamic", "vhd");
    SourceImage source = SourceImage.verified(vhd, "vpc");
    Path qcow2 = dir.resolve("dyn.qcow2");
    qemu.convert(source, qcow2, "qcow2", false, f -> { });
    assertThat(qemu.info(qcow2).virtualSize()).isEqualTo(qemu.info(source).virtualSize()).isGreaterThanOrEqualTo(SIZE);
    assertThat(Tools.sameContent(qcow2, raw)).isTrue();
  }

  @Test
  void aWrongFooterChecksumIsRefusedInOneLine() throws Exception {
    Path vhd = fixedVhd("wa\0\0", SIZE, false);
    assertThatThrownBy(() -> SourceImage.verified(vhd, "vpc"))
        .isInstanceOf(ConversionException.class)
        .hasMessageMatching("refusing .*: its VHD footer checksum is wrong \\(stored 0x[0-9a-f]{8}, computed "
            + "0x[0-9a-f]{8}\\); the file is damaged or was cut short")
        .hasMessageNotContaining("\n");
  }

  @Test
  void aFixedVhdShorterThanItsFooterSaysIsRefused() throws Exception {
    Path vhd = fixedVhd("wa\0\0", SIZE + (1 << 20), true);
    assertThatThrownBy(() -> SourceImage.verified(vhd, "vpc"))
        .hasMessageContaining("its VHD footer declares " + (SIZE + (1 << 20)) + " bytes but the file holds only "
            + SIZE + " bytes of disk data");
  }

  @Test
  void aFileWithoutFooterIsRefused() throws Exception {
    assertThatThrownBy(() -> SourceImage.verified(raw, "vpc"))
        .hasMessageContaining("it has no VHD footer");
  }

  /** The raw image followed by a footer written here from the VHD specification. */
  private Path fixedVhd(String creator, long currentSize, boolean goodChecksum) throws Exception {
    Path vhd = dir.resolve("disk-" + creator.strip().replace("\0", "") + ".vhd");
    Files.copy(raw, vhd, StandardCopyOption.REPLACE_EXISTING);
    ByteBuffer f = ByteBuffer.allocate(512);
    f.put("conectix".getBytes(StandardCharsets.US_ASCII));
    f.putInt(2).putInt(0x00010000).putLong(-1L).putInt(0);
    f.put(creator.getBytes(StandardCharsets.ISO_8859_1));
    f.putInt(0x00070000).put("Wi2k".getBytes(StandardCharsets.US_ASCII));
    f.putLong(currentSize).putLong(currentSize);
    f.putShort((short) 963).put((byte) 8).put((byte) 17);
    f.putInt(VhdFooter.FIXED);
    int checksumAt = f.position();
    f.putInt(0);
    f.putLong(0x1234_5678_9abc_def0L).putLong(0x0fed_cba9_8765_4321L);
    f.putInt(checksumAt, VhdFooter.checksum(f) + (goodChecksum ? 0 : 1));
    try (RandomAccessFile out = new RandomAccessFile(vhd.toFile(), "rw")) {
      out.seek(out.length());
      out.write(f.array());
    }
    return vhd;
  }
}
