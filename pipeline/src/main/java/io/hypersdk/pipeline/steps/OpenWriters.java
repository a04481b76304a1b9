package io.hypersdk.pipeline.steps;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Processes on this host that have a file open for writing, found through {@code /proc/PID/fd} and the
 * access mode in {@code /proc/PID/fdinfo}. Sees only the processes whose {@code /proc} entries this user
 * may read (all of them as root, its own otherwise), and nothing on other hosts.
 */
final class OpenWriters {
  /** O_ACCMODE and its write values (O_WRONLY, O_RDWR) from Linux's fcntl.h. */
  private static final int ACCESS_MODE = 3;
  private static final int WRITE_ONLY = 1;
  private static final int READ_WRITE = 2;

  private final Path proc;

  OpenWriters(Path proc) {
    this.proc = proc;
  }

  /** The live system's {@code /proc}. */
  static OpenWriters ofThisHost() {
    return new OpenWriters(Path.of("/proc"));
  }

  /** The first process found writing {@code file}, as "pid N (command)"; empty when none is visible. */
  Optional<String> find(Path file) {
    String target;
    try {
      target = file.toRealPath().toString();
    } catch (IOException gone) {
      return Optional.empty();
    }
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, p -> isNumber(p.getFileName().toString()))) {
      for (Path pid : pids) {
        if (writes(pid, target)) {
          return Optional.of("pid " + pid.getFileName() + " (" + command(pid) + ")");
        }
      }
    } catch (IOException | RuntimeException unreadable) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static boolean writes(Path pid, String target) {
    List<Path> fds = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(pid.resolve("fd"))) {
      entries.forEach(fds::add);
    } catch (IOException | RuntimeException notOurs) {
      // Another user's process, or one that ended: not visible, so not counted.
      return false;
    }
    for (Path fd : fds) {
      try {
        if (target.equals(Files.readSymbolicLink(fd).toString())
            && isWriteMode(pid.resolve("fdinfo").resolve(fd.getFileName()))) {
          return true;
        }
      } catch (IOException | RuntimeException closed) {
        // The descriptor was closed between listing and reading it.
      }
    }
    return false;
  }

  private static boolean isWriteMode(Path fdinfo) throws IOException {
    for (String line : Files.readAllLines(fdinfo)) {
      if (line.startsWith("flags:")) {
        int mode = Integer.parseInt(line.substring("flags:".length()).strip(), 8) & ACCESS_MODE;
        return mode == WRITE_ONLY || mode == READ_WRITE;
      }
    }
    return false;
  }

  private static String command(Path pid) {
    try {
      return Files.readString(pid.resolve("comm")).strip();
    } catch (IOException e) {
      return "?";
    }
  }

  private static boolean isNumber(String name) {
    return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
  }
}
