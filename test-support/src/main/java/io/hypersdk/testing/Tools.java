package io.hypersdk.testing;

import io.hypersdk.io.Executables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** External tools the tests use; a missing one fails the test with its name and package, never a skip. */
public final class Tools {
  private Tools() {}

  /** Fails unless {@code command} is on PATH; {@code debianPackage} says what to install. */
  public static Path require(String command, String debianPackage) {
    return Executables.onPath(command).orElseThrow(() -> new AssertionError(
        command + " is required by this test but is not on PATH; install it: apt-get install -y " + debianPackage));
  }

  /** Runs a command, failing the test with its output when it exits non-zero; returns stdout and stderr. */
  public static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + String.join(" ", command));
      }
      if (p.exitValue() != 0) {
        throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** What a command printed (stdout and stderr merged) and how it exited. */
  public record Outcome(int exitCode, String output) {}

  /** Runs a command and returns its exit code and output, whatever the exit code; fails only when it cannot run. */
  public static Outcome exec(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + String.join(" ", command));
      }
      return new Outcome(p.exitValue(), out);
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** {@code qemu-img compare}: true when both images have the same guest-visible content. */
  public static boolean sameContent(Path a, Path b) {
    require("qemu-img", "qemu-utils");
    try {
      Process p = new ProcessBuilder("qemu-img", "compare", a.toString(), b.toString())
          .redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException e) {
      throw new AssertionError("cannot run qemu-img compare: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Writes an executable shell script (a stand-in command) at {@code file}. */
  public static Path script(Path file, String text) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
