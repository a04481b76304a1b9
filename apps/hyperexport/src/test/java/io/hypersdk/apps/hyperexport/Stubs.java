package io.hypersdk.apps.hyperexport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** Stand-in commands put first on a child's PATH. */
final class Stubs {
  private Stubs() {}

  /**
   * A {@code systemctl} that prints {@code answer}, exits with {@code exit}, and appends its arguments to
   * {@code BIN/systemctl.log}; returns the log's path.
   */
  static Path systemctl(Path binDir, String answer, int exit) {
    Path log = binDir.resolve("systemctl.log");
    script(binDir.resolve("systemctl"), "#!/bin/sh\n"
        + "printf '%s\\n' \"$*\" >> '" + log + "'\n"
        + "echo '" + answer + "'\n"
        + "exit " + exit + "\n");
    return log;
  }

  /** The calls the systemctl stand-in has seen, one per line. */
  static List<String> calls(Path log) {
    try {
      return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void script(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
