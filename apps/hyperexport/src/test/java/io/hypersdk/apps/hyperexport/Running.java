package io.hypersdk.apps.hyperexport;

import io.hypersdk.convert.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A started tool process whose stdout and stderr go to files, so they can be read while it runs. */
public record Running(String label, List<String> command, Process process, Path stdoutFile, Path stderrFile) {

  public long pid() {
    return process.pid();
  }

  /** Waits for the end; a process still running at the timeout is killed and fails the test. */
  public Result await(Duration timeout) {
    long start = System.nanoTime();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        Launcher.stop(process);
        throw new AssertionError(label + " did not finish within " + timeout.toSeconds() + " s\nstdout:\n"
            + stdout() + "\nstderr:\n" + stderr());
      }
    } catch (InterruptedException e) {
      Launcher.stop(process);
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + label, e);
    }
    long waited = (System.nanoTime() - start) / 1_000_000;
    long ran = process.info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
    return new Result(label, process.exitValue(), stdout(), stderr(), waited, ran);
  }

  /** Sends a signal by name (INT, TERM) with kill(1), to this process only. */
  public void signal(String name) {
    Tools.require("kill", "procps");
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run kill: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  public String stdout() {
    return read(stdoutFile);
  }

  public String stderr() {
    return read(stderrFile);
  }

  private static String read(Path f) {
    try {
      return Files.readString(f, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }
}
