package io.hypersdk.apps.hyperexport;

import io.hypersdk.io.Executables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes a folder really read-only for the tests, which run as root, so permission bits stop nothing: the
 * immutable attribute ({@code chattr +i}) where the file system has it, else a read-only bind mount.
 * {@link #close} undoes it. Construction fails, never skips, when neither works.
 */
final class ReadOnlyDir implements AutoCloseable {
  private final Path dir;
  private final String how;

  private ReadOnlyDir(Path dir, String how) {
    this.dir = dir;
    this.how = how;
  }

  static ReadOnlyDir of(Path dir) {
    List<String> tried = new ArrayList<>();
    if (Executables.onPath("chattr").isEmpty()) {
      tried.add("chattr is not installed (apt-get install -y e2fsprogs)");
    } else if (run(tried, "chattr", "+i", dir.toString())) {
      if (!writable(dir)) {
        return new ReadOnlyDir(dir, "chattr");
      }
      run(tried, "chattr", "-i", dir.toString());
      tried.add("chattr +i left " + dir + " writable");
    }
    if (run(tried, "mount", "--bind", dir.toString(), dir.toString())) {
      ReadOnlyDir mounted = new ReadOnlyDir(dir, "mount");
      if (run(tried, "mount", "-o", "remount,ro,bind", dir.toString()) && !writable(dir)) {
        return mounted;
      }
      mounted.close();
      tried.add("the read-only bind mount left " + dir + " writable");
    }
    throw new AssertionError("cannot make " + dir + " read-only for this test (needs chattr from e2fsprogs on an "
        + "ext2/3/4 or xfs file system, or permission to mount): " + String.join("; ", tried));
  }

  String how() {
    return how;
  }

  private static boolean writable(Path dir) {
    Path probe = dir.resolve("probe-" + System.nanoTime());
    try {
      Files.createFile(probe);
      Files.delete(probe);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean run(List<String> tried, String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        tried.add(String.join(" ", cmd) + ": no answer");
        return false;
      }
      if (p.exitValue() != 0) {
        tried.add(String.join(" ", cmd) + ": " + out);
        return false;
      }
      return true;
    } catch (IOException e) {
      tried.add(String.join(" ", cmd) + ": " + e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    List<String> problems = new ArrayList<>();
    boolean ok = how.equals("chattr") ? run(problems, "chattr", "-i", dir.toString())
        : run(problems, "umount", dir.toString());
    if (!ok) {
      throw new AssertionError("cannot undo the read-only " + how + " on " + dir + ": " + problems);
    }
  }
}
