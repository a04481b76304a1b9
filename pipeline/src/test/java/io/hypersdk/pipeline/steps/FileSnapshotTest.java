package io.hypersdk.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSnapshotTest {
  @TempDir
  Path dir;

  @Test
  void aMissingFileNeverDiffers() {
    FileSnapshot missing = FileSnapshot.of(dir.resolve("vm.qcow2"));
    assertThat(missing.exists()).isFalse();
    assertThat(missing.differsFrom(missing)).isFalse();
    assertThat(FileSnapshot.of(dir.resolve("vm.qcow2")).differsFrom(missing)).isFalse();
  }

  @Test
  void aNewFileDiffersFromNone() throws Exception {
    FileSnapshot before = FileSnapshot.of(dir.resolve("vm.qcow2"));
    Files.writeString(dir.resolve("vm.qcow2"), "new");
    assertThat(FileSnapshot.of(dir.resolve("vm.qcow2")).differsFrom(before)).isTrue();
  }

  @Test
  void anUnchangedFileIsTheSame() throws Exception {
    Path f = Files.writeString(dir.resolve("vm.qcow2"), "old");
    FileSnapshot before = FileSnapshot.of(f);
    assertThat(FileSnapshot.of(f).differsFrom(before)).isFalse();
  }

  @Test
  void aFileReplacedByRenameDiffersEvenWithTheSameSizeAndTime() throws Exception {
    Path f = Files.writeString(dir.resolve("vm.qcow2"), "old");
    FileTime t = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
    Files.setLastModifiedTime(f, t);
    FileSnapshot before = FileSnapshot.of(f);
    Path replacement = Files.writeString(dir.resolve(".vm.qcow2.tmp"), "new");
    Files.setLastModifiedTime(replacement, t);
    Files.move(replacement, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    assertThat(FileSnapshot.of(f).differsFrom(before)).as("another inode").isTrue();
  }

  @Test
  void aFileChangedInPlaceDiffers() throws Exception {
    Path f = Files.writeString(dir.resolve("vm.qcow2"), "old");
    FileSnapshot before = FileSnapshot.of(f);
    Files.writeString(f, "longer now");
    assertThat(FileSnapshot.of(f).differsFrom(before)).isTrue();
  }
}
