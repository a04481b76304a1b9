package io.hypersdk.diskimage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.hypersdk.testing.TestDisks;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random mutations of real VMDK and VHD images (headers, grain directories and tables, markers,
 * compressed grains, footers, truncation). Every input must either convert or fail with one
 * {@link MalformedImageException} naming an offset, within a time limit, in a 256 MiB heap, leaving no output.
 * Iterations: {@code -Ddiskimage.fuzz.iterations} (CI default in the pom), seed: {@code -Ddiskimage.fuzz.seed}.
 */
class NativeConverterFuzzTest {
  private static final Duration PER_CASE = Duration.ofSeconds(10);
  @TempDir
  static Path dir;
  private static final List<Seed> seeds = new ArrayList<>();

  private record Seed(String name, SourceFormat format, byte[] bytes) {}

  @BeforeAll
  static void seeds() throws Exception {
    Path raw = dir.resolve("seed.raw");
    Random random = new Random(1);
    byte[] disk = new byte[3 << 20];
    for (int i = 0; i < disk.length; i += 4096) {
      if (random.nextInt(3) > 0) {
        // Compressible but varied: grains inflate to real data.
        Arrays.fill(disk, i, i + 4096, (byte) random.nextInt(4));
        disk[i + random.nextInt(4096)] = (byte) random.nextInt();
      }
    }
    Files.write(raw, disk);
    seeds.add(new Seed("qemu streamOptimized", SourceFormat.VMDK_STREAM_OPTIMIZED,
        Files.readAllBytes(TestDisks.vmdkStreamOptimized(raw))));
    seeds.add(new Seed("vSphere streamOptimized", SourceFormat.VMDK_STREAM_OPTIMIZED,
        Files.readAllBytes(VmwareStreamVmdk.write(disk, dir.resolve("seed.nfc.vmdk")))));
    seeds.add(new Seed("monolithicSparse", SourceFormat.VMDK_MONOLITHIC_SPARSE,
        Files.readAllBytes(TestDisks.vmdkSparse(raw))));
    seeds.add(new Seed("fixed VHD", SourceFormat.VHD_FIXED,
        Files.readAllBytes(TestDisks.as(raw, "vpc", "subformat=fixed,force_size=on", "vhd"))));
  }

  @Test
  void everyMalformedInputFailsCleanly() throws Exception {
    int iterations = Integer.getInteger("diskimage.fuzz.iterations", 400);
    long seed = Long.getLong("diskimage.fuzz.seed", 17);
    Random random = new Random(seed);
    NativeConverter converter = NativeConverter.builder().threads(2).build();
    int converted = 0;
    int refused = 0;
    for (int i = 0; i < iterations; i++) {
      Seed s = seeds.get(random.nextInt(seeds.size()));
      byte[] input = s.bytes().clone();
      String mutation = mutate(input, s, random);
      Path in = dir.resolve("case.img");
      Path out = dir.resolve("case.qcow2");
      Files.write(in, input);
      Files.deleteIfExists(out);
      boolean stream = random.nextBoolean();
      String what = "case " + i + " (seed " + seed + "): " + s.name() + ", " + mutation
          + (stream ? ", as a stream" : ", from a file");
      try {
        assertTimeoutPreemptively(PER_CASE, () -> {
          if (stream) {
            try (InputStream is = Files.newInputStream(in)) {
              converter.convert(is, s.format(), random.nextBoolean() ? input.length : -1, out);
            }
          } else {
            converter.convert(in, s.format(), out);
          }
        }, what);
        assertThat(out).as(what).exists();
        converted++;
      } catch (Throwable t) {
        // assertTimeoutPreemptively rethrows what the conversion threw, unwrapped.
        if (!(t instanceof MalformedImageException e)) {
          throw new AssertionError(what + ": expected a conversion or a MalformedImageException, got " + t, t);
        }
        refused++;
        assertThat(e.getMessage()).as(what).doesNotContain("\n").contains("at byte " + e.offset() + ": ");
        assertThat(e.offset()).as(what).isNotNegative();
        assertThat(out).as(what + ": no output after " + e.getMessage()).doesNotExist();
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
    }
    assertThat(refused).as("malformed inputs refused").isGreaterThan(iterations / 4);
    assertThat(converted + refused).isEqualTo(iterations);
  }

  /** Damages {@code b} in place; returns what was done, for the failure message. */
  private static String mutate(byte[] b, Seed s, Random r) {
    int kind = r.nextInt(7);
    ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    switch (kind) {
      case 0 -> {
        int at = r.nextInt(Math.min(b.length, 512));
        b[at] = (byte) r.nextInt();
        return "header byte " + at + " set";
      }
      case 1 -> {
        if (s.format() == SourceFormat.VHD_FIXED) {
          int at = b.length - 512 + r.nextInt(512);
          b[at] = (byte) r.nextInt();
          return "footer byte " + at + " set";
        }
        int[] fields = {12, 20, 28, 44, 48, 56, 64};
        int at = fields[r.nextInt(fields.length)];
        long v = switch (r.nextInt(4)) {
          case 0 -> 0;
          case 1 -> -1;
          case 2 -> 1L << r.nextInt(63);
          default -> r.nextLong();
        };
        if (at == 44) {
          le.putInt(at, (int) v);
        } else {
          le.putLong(at, v);
        }
        return "header field at " + at + " = " + v;
      }
      case 2 -> {
        int at = r.nextInt(Math.min(b.length, 64 << 10));
        int n = 1 + r.nextInt(16);
        for (int k = 0; k < n && at + k < b.length; k++) {
          b[at + k] = (byte) r.nextInt();
        }
        return n + " bytes set at " + at + " (metadata area)";
      }
      case 3 -> {
        int at = (64 << 10) + r.nextInt(b.length - (64 << 10));
        int n = 1 + r.nextInt(8);
        for (int k = 0; k < n && at + k < b.length; k++) {
          b[at + k] ^= (byte) (1 + r.nextInt(255));
        }
        return n + " bytes flipped at " + at + " (grains)";
      }
      case 4 -> {
        int at = (64 << 10) + r.nextInt(64) * 512;
        if (at + 12 <= b.length) {
          le.putInt(at + 8, r.nextBoolean() ? r.nextInt() : r.nextInt(1 << 17));
        }
        return "marker size at " + (at + 8) + " set";
      }
      case 5 -> {
        if (s.format() == SourceFormat.VHD_FIXED) {
          // Valid checksum, wrong contents: the checks behind the checksum.
          int at = b.length - 512 + (r.nextBoolean() ? 48 : 60);
          ByteBuffer.wrap(b).putLong(at, r.nextBoolean() ? r.nextLong() : r.nextInt(b.length));
          ByteBuffer.wrap(b).putInt(b.length - 512 + 64, footerChecksum(b));
          return "footer field at " + at + " set, checksum fixed";
        }
        long gd = le.getLong(56);
        int at = (int) Math.min(Math.max(0, gd) * 512, b.length - 4) + r.nextInt(4096);
        if (gd > 0 && at + 4 <= b.length) {
          le.putInt(at, r.nextBoolean() ? r.nextInt() : r.nextInt(b.length / 512 + 256));
        }
        return "grain directory/table entry near " + at + " set";
      }
      default -> {
        int cut = r.nextInt(b.length);
        Arrays.fill(b, cut, b.length, (byte) 0);
        return "zeroed from " + cut + " on (cut short)";
      }
    }
  }

  private static int footerChecksum(byte[] b) {
    byte[] footer = Arrays.copyOfRange(b, b.length - 512, b.length);
    return FixedVhdReader.checksum(footer);
  }

  @Test
  void truncatedFilesAreRefusedWithTheirLength() throws Exception {
    NativeConverter converter = NativeConverter.defaults();
    for (Seed s : seeds) {
      Path in = dir.resolve("cut.img");
      // Inside the first grains (VMDK), or through the disk data (VHD).
      int cut = s.format() == SourceFormat.VHD_FIXED ? s.bytes().length * 2 / 3 : (64 << 10) + 1000;
      Files.write(in, Arrays.copyOf(s.bytes(), cut));
      Path out = dir.resolve("cut.qcow2");
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> converter.convert(in, s.format(), out)))
          .as(s.name()).isInstanceOf(MalformedImageException.class);
      assertThat(out).doesNotExist();
    }
    // A raw disk of any length is a raw disk: only structured formats can be cut short.
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("any.raw").toFile(), "rw")) {
      f.setLength(1000);
    }
    assertThat(converter.convert(dir.resolve("any.raw"), SourceFormat.RAW, dir.resolve("any.qcow2")).virtualSize())
        .isEqualTo(1024);
  }
}
