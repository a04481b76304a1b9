package io.hypersdk.convert.fix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionRequest;
import io.hypersdk.convert.ConversionRunner;
import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.Pipeline;
import io.hypersdk.queue.OutputNames;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guests the fix stage must refuse, built in the test as small filesystem images (mke2fs -d, a LUKS header) and
 * run through the real converter and a real libguestfs appliance: each fails with its one line, and nothing is
 * published.
 */
class BadGuestsTest {
  @TempDir Path dir;

  @BeforeEach
  void tools() {
    Tools.require("mke2fs", "e2fsprogs");
    Tools.require("guestfish", "libguestfs-tools linux-image-cloud-amd64");
  }

  static Stream<Arguments> guests() {
    return Stream.of(
        Arguments.of("no operating system", Map.of("data/report.txt", "quarterly numbers\n"),
            "no operating system found on the VM's disks"),
        Arguments.of("encrypted root, no key", null,
            "root filesystem is encrypted (LUKS on /dev/sda) and no key was given"),
        Arguments.of("unsupported distribution", Map.of(
            "etc/os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.0\nPRETTY_NAME=\"Alpine v3.19\"\n",
            "etc/alpine-release", "3.19.0\n", "etc/fstab", "/dev/sda / ext4 defaults 0 1\n", "bin/sh", "#\n"),
            "unsupported guest operating system: alpinelinux 3"),
        Arguments.of("kernel without virtio", Map.of(
            "etc/os-release", "NAME=\"Debian GNU/Linux\"\nID=debian\nVERSION_ID=\"12\"\n",
            "etc/debian_version", "12.4\n", "etc/fstab", "/dev/sda / ext4 defaults 0 1\n", "bin/sh", "#\n",
            "boot/vmlinuz-6.1.0-novirtio", "kernel\n",
            "lib/modules/6.1.0-novirtio/modules.builtin", "kernel/fs/ext4/ext4.ko\n",
            "lib/modules/6.1.0-novirtio/kernel/fs/ext4/ext4.ko", "module\n"),
            "kernel 6.1.0-novirtio has no virtio_blk driver"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("guests")
  void aGuestTheStageCannotFixFailsTheJobWithOneLineAndPublishesNothing(String name, Map<String, String> files,
      String expected) throws Exception {
    // A VMDK, as VMware exports it: qemu-img reads the container and never probes what is inside.
    Path image = TestDisks.vmdkSparse(files == null ? luksImage() : ext4Image(files));
    ArtifactManifest m = TestDisks.manifest("bad01", "job-bad", List.of(TestDisks.disk("disk0", image, "vmdk", 0)))
        .toBuilder().pipeline(new Pipeline(null, new Pipeline.Fix(true, null, null, null, null, null, null),
            null, null)).build();
    Path out = dir.resolve("out");
    ConversionRequest request = ConversionRequest.builder(m, "job-bad", OutputNames.vmStem("bad01"), out).build();
    byte[] before = Files.readAllBytes(image);

    assertThatThrownBy(() -> new ConversionRunner(QemuImg.locate()).run(request))
        .isInstanceOf(ConversionException.class)
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"))
        .satisfies(e -> assertThat(((ConversionException) e).kind()).isEqualTo(ConversionException.Kind.CONVERSION));
    try (Stream<Path> left = Files.exists(out) ? Files.walk(out) : Stream.empty()) {
      assertThat(left.filter(Files::isRegularFile).toList()).as("files left in the output folder").isEmpty();
    }
    assertThat(Files.readAllBytes(image)).as("the source disk is never changed").isEqualTo(before);
  }

  private Path ext4Image(Map<String, String> files) throws IOException {
    Path root = dir.resolve("root");
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = root.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
    }
    Files.createDirectories(root.resolve("usr/bin"));
    Path image = dir.resolve("guest.img");
    Tools.run(List.of("mke2fs", "-q", "-F", "-t", "ext4", "-d", root.toString(), image.toString(), "32M"));
    return image;
  }

  /** A disk that starts with a LUKS1 header: what blkid and libguestfs see of an encrypted root. */
  private Path luksImage() throws IOException {
    Path image = dir.resolve("luks.img");
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(4L << 20);
      f.write(new byte[] {'L', 'U', 'K', 'S', (byte) 0xba, (byte) 0xbe, 0, 1});
      f.write(padded("aes", 32));
      f.write(padded("xts-plain64", 32));
      f.write(padded("sha256", 32));
      f.writeInt(4096);
      f.writeInt(32);
      f.seek(168);
      f.write(padded(UUID.randomUUID().toString(), 40));
    }
    return image;
  }

  private static byte[] padded(String s, int n) {
    byte[] b = new byte[n];
    byte[] v = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(v, 0, b, 0, v.length);
    return b;
  }
}
