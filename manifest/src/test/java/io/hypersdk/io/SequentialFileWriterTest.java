package io.hypersdk.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequentialFileWriterTest {
  private static final int BLOCK = 1 << 20;
  /** O_DIRECT as /proc/PID/fdinfo shows it: 040000 on x86, 0200000 on arm64. */
  private static final int O_DIRECT = "aarch64".equals(System.getProperty("os.arch")) ? 0200000 : 040000;

  @TempDir Path dir;

  @Test
  void writesEveryLengthAroundTheAlignmentAndBlockBoundariesExactly() throws Exception {
    Random random = new Random(17);
    for (int length : new int[] {0, 1, 511, 4095, 4096, 4097, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 12345}) {
      byte[] data = new byte[length];
      random.nextBytes(data);
      Path file = dir.resolve("disk-" + length);
      try (SequentialFileWriter w = SequentialFileWriter.create(file)) {
        assertThat(w.direct()).as("O_DIRECT on %s", Files.getFileStore(dir).type()).isTrue();
        // Pieces of an odd size, as a socket hands them over.
        for (int off = 0; off < length; off += 7777) {
          w.write(data, off, Math.min(7777, length - off));
        }
        assertThat(w.size()).isEqualTo(length);
        w.finish();
      }
      assertThat(Files.readAllBytes(file)).as("content of %d bytes", length).isEqualTo(data);
    }
  }

  @Test
  void theFileIsOpenWithODirectWhileItIsWritten() throws Exception {
    Path file = dir.resolve("disk");
    try (SequentialFileWriter w = SequentialFileWriter.create(file)) {
      w.write(new byte[BLOCK], 0, BLOCK);
      assertThat(openFlags(file) & O_DIRECT).as("O_DIRECT in the fd's flags").isNotZero();
      w.finish();
    }
    assertThat(Files.size(file)).isEqualTo(BLOCK);
  }

  @Test
  void refusesAFileThatExistsAndLeavesItAlone() throws Exception {
    Path file = dir.resolve("disk");
    Files.writeString(file, "keep me");
    assertThatThrownBy(() -> SequentialFileWriter.create(file)).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(file).hasContent("keep me");
  }

  /**
   * ramfs refuses O_DIRECT after it has created the file (open(2) fails with EINVAL): the writer must remove
   * that empty file and write through the page cache instead. Mounting needs root, as the tests run in CI.
   */
  @Test
  void fallsBackToBufferedWritesWhereTheFileSystemRefusesODirect() throws Exception {
    Path mount = Files.createDirectory(dir.resolve("ramfs"));
    run("mount", "-t", "ramfs", "ramfs", mount.toString());
    try {
      byte[] data = new byte[2 * BLOCK + 3];
      new Random(3).nextBytes(data);
      Path file = mount.resolve("disk");
      try (SequentialFileWriter w = SequentialFileWriter.create(file)) {
        assertThat(w.direct()).isFalse();
        w.write(data, 0, data.length);
        w.finish();
      }
      assertThat(Files.readAllBytes(file)).isEqualTo(data);
      try (Stream<Path> files = Files.list(mount)) {
        assertThat(files).containsExactly(file);
      }
    } finally {
      run("umount", mount.toString());
    }
  }

  @Test
  void aFullFileSystemFailsWithAMessageThatSaysSo() throws Exception {
    Path mount = Files.createDirectory(dir.resolve("small"));
    run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString());
    try (SequentialFileWriter w = SequentialFileWriter.create(mount.resolve("disk"))) {
      byte[] data = new byte[BLOCK];
      assertThatThrownBy(() -> {
        for (int i = 0; i < 4; i++) {
          w.write(data, 0, data.length);
        }
        w.finish();
      }).isInstanceOf(java.io.IOException.class).hasMessageFindingMatch("No space left on device|is the disk full");
    } finally {
      run("umount", mount.toString());
    }
  }

  @Test
  void networkAndFuseFileSystemsKeepThePageCache() {
    assertThat(SequentialFileWriter.directSuits("ext4")).isTrue();
    assertThat(SequentialFileWriter.directSuits("xfs")).isTrue();
    assertThat(SequentialFileWriter.directSuits("nfs4")).isFalse();
    assertThat(SequentialFileWriter.directSuits("nfs")).isFalse();
    assertThat(SequentialFileWriter.directSuits("cifs")).isFalse();
    assertThat(SequentialFileWriter.directSuits("fuse.sshfs")).isFalse();
  }

  private static long openFlags(Path file) throws Exception {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          if (Files.readSymbolicLink(fd).equals(file)) {
            for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo").resolve(fd.getFileName()))) {
              if (line.startsWith("flags:")) {
                return Long.parseLong(line.substring(6).trim(), 8);
              }
            }
          }
        } catch (java.io.IOException closedMeanwhile) {
          // Another thread's descriptor closed while listing; not ours.
        }
      }
    }
    throw new AssertionError("no open descriptor for " + file);
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
    assertThat(p.exitValue()).as("%s (needs root, as in CI): %s", String.join(" ", command), out.strip()).isZero();
  }
}
