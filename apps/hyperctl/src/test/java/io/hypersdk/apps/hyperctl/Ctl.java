package io.hypersdk.apps.hyperctl;

import io.hypersdk.testing.JavaProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** Runs hyperctl in this JVM (fast) or as its own process (for a PATH and environment the test controls). */
final class Ctl {
  private Ctl() {}

  /** What a run printed and how it exited. */
  record Result(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  static Result run(String... args) {
    CommandLine cl = HyperCtl.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  /** hyperctl as a process; {@code pathFirst} (may be null) goes before the PATH, {@code env} is added. */
  static Result process(Path work, Map<String, String> env, Path pathFirst, String... args) throws Exception {
    try (JavaProcess p = start(work, env, pathFirst, args)) {
      if (!p.process().waitFor(120, TimeUnit.SECONDS)) {
        throw new AssertionError("hyperctl " + String.join(" ", args) + " did not end within 120 s: " + p.stdout());
      }
      return new Result(p.process().exitValue(), p.stdout(), p.stderr());
    }
  }

  static JavaProcess start(Path work, Map<String, String> env, Path pathFirst, String... args) throws Exception {
    return JavaProcess.start(work.resolve("logs"), "hyperctl", HyperCtl.class.getName(), List.of(args), env,
        pathFirst);
  }
}
