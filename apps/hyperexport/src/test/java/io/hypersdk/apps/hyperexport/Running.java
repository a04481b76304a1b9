package io.hypersdk.apps.hyperexport;

import io.hypersdk.testing.JavaProcess;
import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A started tool process whose stdout and stderr go to files, so they can be read while it runs. */
public record Running(String label, JavaProcess java) {

  public Process process() {
    return java.process();
  }

  public long pid() {
    return process().pid();
  }

  /** Waits for the end; a process still running at the timeout is killed and fails the test. */
  public Result await(Duration timeout) {
    long start = System.nanoTime();
    try {
      if (!process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        stop();
        throw new AssertionError(label + " did not finish within " + timeout.toSeconds() + " s\nstdout:\n"
            + stdout() + "\nstderr:\n" + stderr());
      }
    } catch (InterruptedException e) {
      java.close();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + label, e);
    }
    long waited = (System.nanoTime() - start) / 1_000_000;
    long ran = process().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
    return new Result(label, process().exitValue(), stdout(), stderr(), waited, ran);
  }

  /** SIGTERM, then SIGKILL if it does not end; children too. */
  void stop() {
    java.close();
  }

  /** Sends a signal by name (INT, TERM) with kill(1), to this process only. */
  public void signal(String name) {
    Tools.require("kill", "procps");
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new AssertionError("kill -" + name + " " + pid() + " failed");
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run kill: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  public String stdout() {
    return java.stdout();
  }

  public String stderr() {
    return java.stderr();
  }
}
