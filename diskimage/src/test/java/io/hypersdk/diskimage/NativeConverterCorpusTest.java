package io.hypersdk.diskimage;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.io.Sha256;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every supported input, made by real qemu-img, converted natively from a file and from a stream: the qcow2
 * must hold the same disk as the source and as qemu-img's own conversion ({@code qemu-img compare}), pass
 * {@code qemu-img check}, and the reported digests must be those of the bytes on disk.
 */
class NativeConverterCorpusTest {
  private static final long MIB = 1 << 20;
  @TempDir
  static Path dir;

  @BeforeAll
  static void tools() {
    Tools.require("qemu-img", "qemu-utils");
  }

  /** Disk contents the corpus covers, each as a sparse raw file. */
  private static Path content(String kind) throws Exception {
    Path raw = dir.resolve(kind + ".raw");
    Random random = new Random(kind.hashCode());
    try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
      switch (kind) {
        case "empty" -> f.setLength(8 * MIB);
        case "full" -> {
          byte[] b = new byte[(int) (6 * MIB)];
          random.nextBytes(b);
          f.write(b);
        }
        case "odd-size" -> {
          // Not a multiple of the 64 KiB cluster (nor of the VMDK grain): 5 MiB + 3 sectors.
          byte[] b = new byte[(int) (5 * MIB + 1536)];
          random.nextBytes(b);
          f.write(b);
        }
        case "zero-grains" -> {
          // Data, whole zero grains written as data (the VMDK has zero grains), and holes.
          f.setLength(12 * MIB);
          byte[] b = new byte[(int) MIB];
          for (int mib = 0; mib < 12; mib += 3) {
            random.nextBytes(b);
            f.seek(mib * MIB);
            f.write(b);
            f.write(new byte[(int) MIB]);
          }
        }
        default -> throw new IllegalArgumentException(kind);
      }
    }
    return raw;
  }

  @ParameterizedTest
  @ValueSource(strings = {"empty", "full", "odd-size", "zero-grains"})
  void streamOptimizedVmdk(String kind) throws Exception {
    Path raw = content(kind);
    convertAndCheck(raw, TestDisks.vmdkStreamOptimized(raw), SourceFormat.VMDK_STREAM_OPTIMIZED, false);
  }

  /** The layout vSphere's export streams: grain directory at the end, metadata markers, end-of-stream. */
  @ParameterizedTest
  @ValueSource(strings = {"empty", "full", "odd-size", "zero-grains"})
  void streamOptimizedVmdkAsVsphereExportsIt(String kind) throws Exception {
    Path raw = content(kind);
    Path vmdk = VmwareStreamVmdk.write(Files.readAllBytes(raw), dir.resolve(kind + ".nfc.vmdk"));
    convertAndCheck(raw, vmdk, SourceFormat.VMDK_STREAM_OPTIMIZED, false);
  }

  @ParameterizedTest
  @ValueSource(strings = {"empty", "full", "odd-size", "zero-grains"})
  void monolithicSparseVmdk(String kind) throws Exception {
    Path raw = content(kind);
    convertAndCheck(raw, TestDisks.vmdkSparse(raw), SourceFormat.VMDK_MONOLITHIC_SPARSE, false);
  }

  @ParameterizedTest
  @ValueSource(strings = {"empty", "full", "odd-size", "zero-grains"})
  void raw(String kind) throws Exception {
    Path raw = content(kind);
    convertAndCheck(raw, raw, SourceFormat.RAW, false);
  }

  @ParameterizedTest
  @ValueSource(strings = {"empty", "full", "zero-grains"})
  void fixedVhdFromQemu(String kind) throws Exception {
    Path raw = content(kind);
    Path vhd = TestDisks.as(raw, "vpc", "subformat=fixed,force_size=on", "vhd");
    convertAndCheck(raw, vhd, SourceFormat.VHD_FIXED, false);
  }

  /** Azure's creator ("wa"), whose CHS geometry is smaller than the footer's size: the footer wins. */
  @ParameterizedTest
  @ValueSource(strings = {"wa\0\0", "vpc ", "win "})
  void fixedVhdFromOtherCreators(String creator) throws Exception {
    Path raw = content("odd-size");
    Path vhd = dir.resolve("creator-" + creator.strip().replace("\0", "") + ".vhd");
    Files.copy(raw, vhd, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    appendFixedFooter(vhd, creator, Files.size(raw));
    convertAndCheck(raw, vhd, SourceFormat.VHD_FIXED, false);
  }

  @Test
  void compressedOutputIsSmallerAndIdentical() throws Exception {
    Path raw = TestDisks.compressibleRaw(dir, "text", 8);
    Path vmdk = TestDisks.vmdkStreamOptimized(raw);
    NativeConverter.Result plain = convertAndCheck(raw, vmdk, SourceFormat.VMDK_STREAM_OPTIMIZED, false);
    NativeConverter.Result packed = convertAndCheck(raw, vmdk, SourceFormat.VMDK_STREAM_OPTIMIZED, true);
    assertThat(packed.outputBytes()).isLessThan(plain.outputBytes() / 4);
  }

  /** Many grain tables: 16 GiB with one grain of data in each table's 32 MiB (512 tables). */
  @Test
  void largestGrainTableCounts() throws Exception {
    Path raw = dir.resolve("many-tables.raw");
    byte[] grain = new byte[64 << 10];
    Random random = new Random(7);
    try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
      f.setLength(16L << 30);
      for (long at = 0; at < 16L << 30; at += 32 * MIB) {
        random.nextBytes(grain);
        f.seek(at + 7 * (64 << 10));
        f.write(grain);
      }
    }
    convertAndCheck(raw, TestDisks.vmdkStreamOptimized(raw), SourceFormat.VMDK_STREAM_OPTIMIZED, false);
    convertAndCheck(raw, TestDisks.vmdkSparse(raw), SourceFormat.VMDK_MONOLITHIC_SPARSE, false);
  }

  /** A 2 TiB disk holding a few MiB: tables sized for 2 TiB, data at the start, middle and end. */
  @Test
  void twoTebibyteSparseDisk() throws Exception {
    Path raw = dir.resolve("huge.raw");
    long size = 2L << 40;
    byte[] b = new byte[(int) MIB];
    new Random(2).nextBytes(b);
    try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
      f.setLength(size);
      for (long at : new long[] {0, size / 2 + 12345 * 512L, size - MIB}) {
        f.seek(at);
        f.write(b);
      }
    }
    NativeConverter.Result r = convertAndCheck(raw, TestDisks.vmdkStreamOptimized(raw),
        SourceFormat.VMDK_STREAM_OPTIMIZED, false);
    assertThat(r.virtualSize()).isEqualTo(size);
    assertThat(r.outputBytes()).isLessThan(16 * MIB);
  }

  private NativeConverter.Result convertAndCheck(Path raw, Path source, SourceFormat format, boolean compress)
      throws Exception {
    if (format != SourceFormat.RAW) {
      assertThat(SourceFormat.detect(source)).contains(format);
    }
    NativeConverter converter = NativeConverter.builder().threads(2).compress(compress).build();
    String name = source.getFileName() + (compress ? ".c" : "");
    Path fromFile = dir.resolve(name + ".file.qcow2");
    NativeConverter.Result r = converter.convert(source, format, fromFile);
    Path fromStream = dir.resolve(name + ".stream.qcow2");
    NativeConverter.Result s;
    try (InputStream in = Files.newInputStream(source)) {
      s = converter.convert(in, format, format == SourceFormat.VHD_FIXED ? Files.size(source) : -1, fromStream);
    }
    Path byQemu = dir.resolve(name + ".qemu.qcow2");
    Tools.run(List.of("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(), byQemu.toString()));

    for (Path out : List.of(fromFile, fromStream)) {
      assertThat(Tools.sameContent(raw, out)).as("%s holds the source disk", out.getFileName()).isTrue();
      assertThat(Tools.sameContent(byQemu, out)).as("%s equals qemu-img's conversion", out.getFileName()).isTrue();
      Tools.Outcome check = Tools.exec(List.of("qemu-img", "check", "-f", "qcow2", out.toString()));
      assertThat(check.output()).as("qemu-img check %s", out.getFileName()).contains("No errors were found");
      assertThat(check.exitCode()).isZero();
      String info = Tools.run(List.of("qemu-img", "info", "--output=json", out.toString()));
      assertThat(info).contains("\"compat\": \"1.1\"").contains("\"cluster-size\": 65536");
    }
    if (!compress && (format == SourceFormat.VMDK_STREAM_OPTIMIZED || format == SourceFormat.VMDK_MONOLITHIC_SPARSE)) {
      // Grain tables give the layout up front: tables first, L1 right after the header, written front to back.
      assertThat(l1TableOffset(fromFile)).as("L1 table offset of %s", fromFile.getFileName()).isEqualTo(65536);
    }
    long expectedSize = format == SourceFormat.RAW ? (Files.size(raw) + 511) & -512L : Files.size(raw);
    assertThat(r.virtualSize()).isEqualTo(expectedSize);
    assertThat(r.sourceBytes()).isEqualTo(Files.size(source));
    assertThat(r.sourceSha256()).isEqualTo(Sha256.ofFile(source)).isEqualTo(s.sourceSha256());
    assertThat(r.outputSha256()).isEqualTo(Sha256.ofFile(fromFile));
    assertThat(r.outputBytes()).isEqualTo(Files.size(fromFile));
    assertThat(s.outputSha256()).isEqualTo(Sha256.ofFile(fromStream));
    try (var leftovers = Files.list(dir)) {
      assertThat(leftovers.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
    }
    return r;
  }

  private static long l1TableOffset(Path qcow2) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(qcow2.toFile(), "r")) {
      f.seek(40);
      return f.readLong();
    }
  }

  private static void appendFixedFooter(Path vhd, String creator, long size) throws Exception {
    ByteBuffer f = ByteBuffer.allocate(512);
    f.put("conectix".getBytes(StandardCharsets.US_ASCII));
    f.putInt(2).putInt(0x00010000).putLong(-1L).putInt(0);
    f.put(creator.getBytes(StandardCharsets.ISO_8859_1));
    f.putInt(0x00070000).put("Wi2k".getBytes(StandardCharsets.US_ASCII));
    f.putLong(size).putLong(size);
    f.putShort((short) 963).put((byte) 8).put((byte) 17);
    f.putInt(2);
    f.putInt(0);
    f.putLong(0x1234_5678_9abc_def0L).putLong(0x0fed_cba9_8765_4321L);
    f.putInt(64, FixedVhdReader.checksum(f.array()));
    try (RandomAccessFile out = new RandomAccessFile(vhd.toFile(), "rw")) {
      out.seek(out.length());
      out.write(f.array());
    }
  }
}
