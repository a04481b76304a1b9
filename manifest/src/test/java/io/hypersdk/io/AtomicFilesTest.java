package io.hypersdk.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  private List<String> names() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writeCreatesTheFileAndItsFolders() throws Exception {
    Path target = dir.resolve("a/b/result.json");
    AtomicFiles.write(target, "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(target).hasContent("{}");
    assertThat(dir.resolve("a/b")).isDirectoryContaining(p -> p.equals(target));
  }

  @Test
  void writeReplacesTheWholeFileByRenameAndLeavesNoTempFile() throws Exception {
    Path target = dir.resolve("result.json");
    AtomicFiles.write(target, "first version, rather long".getBytes(StandardCharsets.UTF_8));
    Object inodeBefore = Files.getAttribute(target, "unix:ino");

    AtomicFiles.write(target, "second".getBytes(StandardCharsets.UTF_8));

    assertThat(target).hasContent("second");
    // A new inode: the old file was replaced by a rename, not truncated and rewritten in place.
    assertThat(Files.getAttribute(target, "unix:ino")).isNotEqualTo(inodeBefore);
    assertThat(names()).containsExactly("result.json");
  }

  @Test
  void readersSeeEitherTheOldOrTheNewFileNeverAPartOne() throws Exception {
    Path target = dir.resolve("beat.json");
    int size = 256 * 1024;
    byte[] a = new byte[size];
    byte[] b = new byte[size];
    Arrays.fill(a, (byte) 'a');
    Arrays.fill(b, (byte) 'b');
    AtomicFiles.write(target, a);

    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      try {
        for (int i = 0; i < 300; i++) {
          AtomicFiles.write(target, i % 2 == 0 ? b : a);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    List<String> torn = new ArrayList<>();
    int reads = 0;
    while (!writer.isDone() && reads < 100_000) {
      byte[] seen = Files.readAllBytes(target);
      reads++;
      boolean whole = seen.length == size && (Arrays.equals(seen, a) || Arrays.equals(seen, b));
      if (!whole) {
        torn.add("read " + reads + ": " + seen.length + " bytes");
      }
    }
    writer.get(60, TimeUnit.SECONDS);

    assertThat(reads).isPositive();
    assertThat(torn).isEmpty();
    assertThat(names()).containsExactly("beat.json");
  }

  @Test
  void tempSiblingIsHiddenAndBesideTheTarget() {
    Path target = dir.resolve("vm.json");
    Path temp = AtomicFiles.tempSibling(target);
    assertThat(temp.getParent()).isEqualTo(dir);
    assertThat(temp.getFileName().toString()).startsWith(".vm.json.").endsWith(".tmp");
    assertThat(AtomicFiles.tempSibling(target)).isNotEqualTo(temp);
  }

  @Test
  void moveReplacesTheTarget() throws Exception {
    Path source = Files.writeString(dir.resolve("staged.qcow2"), "new");
    Path target = Files.writeString(dir.resolve("vm.qcow2"), "old");

    AtomicFiles.move(source, target);

    assertThat(target).hasContent("new");
    assertThat(source).doesNotExist();
    assertThat(names()).containsExactly("vm.qcow2");
  }

  @Test
  void moveWithoutReplacingUsesTheNameWhenItIsFree() throws Exception {
    Path source = Files.writeString(dir.resolve("in.json"), "job");
    Path target = dir.resolve("done/vm.json");

    Path used = AtomicFiles.moveWithoutReplacing(source, target);

    assertThat(used).isEqualTo(target);
    assertThat(target).hasContent("job");
    assertThat(source).doesNotExist();
  }

  @Test
  void moveWithoutReplacingAddsASuffixInsteadOfOverwriting() throws Exception {
    Path target = Files.writeString(dir.resolve("vm.json"), "first job");
    Files.writeString(dir.resolve("vm.1.json"), "second job");
    Path source = Files.writeString(dir.resolve("incoming"), "third job");

    Path used = AtomicFiles.moveWithoutReplacing(source, target);

    assertThat(used).isEqualTo(dir.resolve("vm.2.json"));
    assertThat(used).hasContent("third job");
    assertThat(target).hasContent("first job");
    assertThat(dir.resolve("vm.1.json")).hasContent("second job");
    assertThat(source).doesNotExist();
    assertThat(names()).containsExactly("vm.1.json", "vm.2.json", "vm.json");
  }

  @Test
  void moveWithoutReplacingHandlesNamesWithoutExtension() throws Exception {
    Path target = Files.writeString(dir.resolve("README"), "kept");
    Path source = Files.writeString(dir.resolve("incoming"), "moved");

    Path used = AtomicFiles.moveWithoutReplacing(source, target);

    assertThat(used).isEqualTo(dir.resolve("README.1"));
    assertThat(used).hasContent("moved");
    assertThat(target).hasContent("kept");
  }
}
