package io.hypersdk.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding writers through this host's /proc: this test's own JVM holds the files. */
class OpenWritersTest {
  @TempDir
  Path dir;

  @Test
  void aFileThisProcessHasOpenForWritingIsFoundWithItsPid() throws Exception {
    Path file = Files.writeString(dir.resolve("vm.qcow2"), "disk");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      assertThat(OpenWriters.ofThisHost().find(file)).hasValueSatisfying(
          w -> assertThat(w).startsWith("pid " + ProcessHandle.current().pid() + " ("));
    }
    assertThat(OpenWriters.ofThisHost().find(file)).as("closed").isEmpty();
  }

  @Test
  void aFileOpenOnlyForReadingHasNoWriter() throws Exception {
    Path file = Files.writeString(dir.resolve("vm.qcow2"), "disk");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      assertThat(OpenWriters.ofThisHost().find(file)).isEmpty();
    }
  }

  @Test
  void aMissingFileAndAnUnreadableProcHaveNoWriter() throws Exception {
    assertThat(OpenWriters.ofThisHost().find(dir.resolve("absent.qcow2"))).isEmpty();
    Path file = Files.writeString(dir.resolve("vm.qcow2"), "disk");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      assertThat(new OpenWriters(dir.resolve("no-proc")).find(file)).isEmpty();
    }
  }
}
