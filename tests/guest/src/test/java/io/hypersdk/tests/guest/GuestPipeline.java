package io.hypersdk.tests.guest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypersdk.queue.QueueLayout;
import io.hypersdk.testing.JavaProcess;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.SystemctlStandIn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real pipeline for one test class: a {@code hyperconvert daemon} on its own queue, and hyperexport
 * ({@code --pipeline --hyper2kvm-daemon}) submitting to it, as separate JVMs; closing stops both.
 */
final class GuestPipeline implements AutoCloseable {
  static final String HYPEREXPORT = "io.hypersdk.apps.hyperexport.HyperExport";
  static final String HYPERCONVERT = QueueDaemon.MAIN_CLASS;
  /** Export, the fix stage (~3 min under TCG) and a boot check (up to 5 min under TCG), on 2 shared cores. */
  static final Duration RUN_TIMEOUT = Duration.ofMinutes(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path work;
  private final Path logs;
  private final Path watch;
  private final Path output;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<Path> pathFirst = new ArrayList<>();
  private final List<JavaProcess> started = new ArrayList<>();
  private QueueDaemon daemon;

  GuestPipeline(Path work) {
    this.work = work;
    this.logs = work.resolve("logs");
    this.watch = work.resolve("queue");
    this.output = work.resolve("output");
    try {
      Files.createDirectories(logs);
      Files.createDirectories(watch);
      Files.createDirectories(output);
      // Hermetic: neither the machine's /etc/hyper2kvm nor its systemd decides anything here.
      env.put("HYPER2KVM_CONFIG_DIR", Files.createDirectories(work.resolve("empty-etc-hyper2kvm")).toString());
      // hyperexport's jar names its libraries in its manifest, so logback.xml is found twice on this class path
      // and logback would print that on stdout, in front of --json's output.
      env.put("JAVA_TOOL_OPTIONS", "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener");
      Path bin = Files.createDirectories(work.resolve("bin"));
      SystemctlStandIn.install(bin).answerAll("inactive", 3);
      pathFirst.add(bin);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path output() {
    return output;
  }

  Path watch() {
    return watch;
  }

  /** Starts the queue daemon (once) and waits for its heartbeat. */
  QueueDaemon daemon() {
    if (daemon == null) {
      Path config = QueueDaemon.writeConfig(work.resolve("etc/hyper2kvm.conf"), watch, output, 1);
      daemon = QueueDaemon.with(config, new QueueLayout(watch, output)).logDir(logs).env(env).pathFirst(pathFirst)
          .start();
      daemon.awaitHeartbeat();
    }
    return daemon;
  }

  /** {@code hyperexport --provider local --vm OVA ... --pipeline --hyper2kvm-daemon --json MORE...}. */
  Run exportLocal(Path ova, String vmName, String label, String... more) {
    List<String> args = new ArrayList<>(List.of("--provider", "local", "--vm", ova.toString()));
    args.addAll(List.of(more));
    return export(label, vmName, args);
  }

  /** hyperexport of VM {@code vmName} with {@code args} (provider, VM, flags), to the daemon's queue, with --json. */
  Run export(String label, String vmName, List<String> providerArgs) {
    daemon();
    List<String> args = new ArrayList<>(providerArgs);
    args.addAll(List.of("--output", work.resolve("export-" + label).toString(), "--pipeline", "--hyper2kvm-daemon",
        "--hyper2kvm-watch-dir", watch.toString(), "--hyper2kvm-output-dir", output.toString(),
        "--hyper2kvm-poll-interval", "1", "--json"));
    Tool t = run(label, HYPEREXPORT, args, RUN_TIMEOUT);
    return new Run(t, daemon.log(), output, vmName);
  }

  /** {@code hyperexport --provider local --vm OVA --output OUT --manifest}: the export and its manifest only. */
  Tool exportOnly(Path ova, Path out) {
    return run("export-only", HYPEREXPORT, List.of("--provider", "local", "--vm", ova.toString(), "--output",
        out.toString(), "--manifest"), RUN_TIMEOUT);
  }

  /** Runs {@code hyperconvert ARGS} to its end. */
  Tool hyperconvert(String label, List<String> args, Duration timeout) {
    return run(label, HYPERCONVERT, args, timeout);
  }

  private Tool run(String label, String mainClass, List<String> args, Duration timeout) {
    try {
      JavaProcess p = JavaProcess.startWithPaths(logs, label, mainClass, args, env, pathFirst);
      started.add(p);
      long t0 = System.nanoTime();
      if (!p.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.close();
        throw new AssertionError(label + " did not finish within " + timeout.toMinutes() + " min\nstdout:\n"
            + p.stdout() + "\nstderr:\n" + p.stderr() + (daemon == null ? "" : "\n--- daemon ---\n" + daemon.log()));
      }
      return new Tool(label, p.process().exitValue(), p.stdout(), p.stderr(), (System.nanoTime() - t0) / 1_000_000);
    } catch (IOException e) {
      throw new AssertionError("cannot start " + label + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public void close() {
    started.forEach(JavaProcess::close);
    if (daemon != null) {
      daemon.close();
    }
  }

  /** How a tool run ended. */
  record Tool(String label, int exit, String stdout, String stderr, long millis) {
    JsonNode json() {
      try {
        return JSON.readTree(stdout);
      } catch (IOException e) {
        throw new AssertionError("stdout of " + label + " is not one JSON object: " + e.getMessage() + "\n" + this);
      }
    }

    @Override
    public String toString() {
      return label + " exited " + exit + " after " + millis + " ms\n--- stdout ---\n" + stdout + "\n--- stderr ---\n"
          + stderr;
    }
  }

  /** One export through the daemon: hyperexport's outcome, and the daemon's log at its end. */
  record Run(Tool tool, String daemonLog, Path output, String vmName) {
    JsonNode json() {
      return tool.json();
    }

    /**
     * The job's result as the daemon recorded it: the {@code result} of its job record, which a failed job has
     * too (VM.result.json is only published for a completed one).
     */
    JsonNode result() {
      Path file = output.resolve(".jobs").resolve(json().path("job_id").asText() + ".json");
      try {
        JsonNode result = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8)).path("result");
        if (result.isMissingNode() || result.isNull()) {
          throw new AssertionError("the job record " + file + " has no result\n" + this);
        }
        return result;
      } catch (IOException e) {
        throw new AssertionError("cannot read " + file + ": " + e.getMessage() + "\n" + this);
      }
    }

    /** The first line of the daemon's VM.error, which says why the job failed. */
    String error() {
      Path file = output.resolve(vmName + ".error");
      try {
        return Files.readAllLines(file, StandardCharsets.UTF_8).get(0);
      } catch (IOException | IndexOutOfBoundsException e) {
        throw new AssertionError("no reason in " + file + ": " + e.getMessage() + "\n" + this);
      }
    }

    JsonNode bootCheck() {
      return result().path("boot_check");
    }

    /** The guest's report in the boot check's serial tail. */
    GuestReport guestReport() {
      List<String> serial = new ArrayList<>();
      bootCheck().path("serial_tail").forEach(l -> serial.add(l.asText()));
      return GuestReport.of(serial);
    }

    @Override
    public String toString() {
      return tool + "\n--- daemon ---\n" + daemonLog;
    }
  }
}
