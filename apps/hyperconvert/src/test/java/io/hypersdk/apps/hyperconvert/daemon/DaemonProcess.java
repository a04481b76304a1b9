package io.hypersdk.apps.hyperconvert.daemon;

import io.hypersdk.convert.daemon.DaemonIdentity;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.HyperSdkVersion;
import io.hypersdk.manifest.ManifestIO;
import io.hypersdk.queue.Heartbeat;
import io.hypersdk.queue.QueueFiles;
import io.hypersdk.queue.QueueLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The real queue daemon ({@code hyperconvert daemon}) running as a separate JVM, with its stdout and stderr
 * in a log file. Closing it kills it (and the qemu-img processes it started) if it is still alive, so a
 * failing test never leaves a daemon behind.
 */
public final class DaemonProcess implements AutoCloseable {
  /** Generous: the build machine has two cores and several JVMs and qemu-img processes share them. */
  public static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static final Set<DaemonProcess> LIVE = ConcurrentHashMap.newKeySet();

  static {
    // Last resort when the test JVM itself is stopped: no daemon outlives it.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(DaemonProcess::killTree)));
  }

  private final Process process;
  private final Path log;
  private final QueueLayout layout;
  private final String instance;
  private final String owner;

  private DaemonProcess(Process process, Path log, QueueLayout layout, String instance) {
    this.process = process;
    this.log = log;
    this.layout = layout;
    this.instance = instance;
    this.owner = instance == null ? null : DaemonIdentity.current(instance, HyperSdkVersion.get()).owner();
  }

  /**
   * Starts {@code hyperconvert daemon --config CONFIG --instance INSTANCE EXTRA...}; {@code layout} is the
   * queue the config names, where the harness looks for the heartbeat.
   */
  public static DaemonProcess start(Path config, String instance, QueueLayout layout, Path log, String... extra) {
    List<String> args = new ArrayList<>(List.of("daemon", "--config", config.toString(), "--instance", instance));
    args.addAll(List.of(extra));
    return launch(args, log, layout, instance);
  }

  /** Runs {@code hyperconvert ARGS} as given, for runs expected to end by themselves (config errors). */
  public static DaemonProcess run(List<String> args, Path log) {
    return launch(args, log, null, null);
  }

  private static DaemonProcess launch(List<String> args, Path log, QueueLayout layout, String instance) {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+UseSerialGC", "-Xmx256m",
        "-cp", System.getProperty("java.class.path"),
        "io.hypersdk.apps.hyperconvert.HyperConvert"));
    cmd.addAll(args);
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      ProcessBuilder pb = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().put("HYPERSDK_LOG_LEVEL", "INFO");
      DaemonProcess d = new DaemonProcess(pb.start(), log, layout, instance);
      LIVE.add(d);
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + String.join(" ", cmd), e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** host-instance: the name of this daemon's processing folder and heartbeat. */
  public String owner() {
    return owner;
  }

  public String instance() {
    return instance;
  }

  public Path logFile() {
    return log;
  }

  /** Everything the daemon printed so far. */
  public String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The daemon's heartbeat file as it is now, if there is one. */
  public Optional<Heartbeat> heartbeat() {
    try {
      return QueueFiles.readJson(layout.heartbeatFile(owner), Heartbeat.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until this process's heartbeat says it serves the queue; fails early when the daemon exits. */
  public Heartbeat awaitHeartbeat() {
    await("daemon " + owner + " (pid " + pid() + ") writes a running heartbeat", TIMEOUT,
        () -> heartbeat().filter(h -> h.pid() == pid() && Heartbeat.RUNNING.equals(h.state())).isPresent(), this);
    return heartbeat().orElseThrow();
  }

  /** SIGTERM, then waits for the exit and returns its code. */
  public int term() {
    process.destroy();
    return awaitExit(TIMEOUT);
  }

  /** SIGKILL for the daemon and the qemu-img processes it started, as when its cgroup is killed. */
  public int kill9() {
    killTree(this);
    return awaitExit(TIMEOUT);
  }

  /** Waits for the process to end by itself and returns its exit code; fails the test on a timeout. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("daemon " + describe() + " did not exit within " + timeout + "\n" + logSection());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    LIVE.remove(this);
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      killTree(this);
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    LIVE.remove(this);
    // Surefire keeps this in target/surefire-reports/CLASS-output.txt: the daemon's side of a failure.
    System.out.println(logSection());
  }

  private static void killTree(DaemonProcess d) {
    // The children must be listed before the parent dies: afterwards they are no longer its descendants.
    List<ProcessHandle> children = d.process.descendants().toList();
    d.process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
  }

  private String describe() {
    return (owner == null ? "hyperconvert" : owner) + " (pid " + pid() + ")";
  }

  String logSection() {
    return "----- log of " + describe() + ": " + log + " -----\n" + log() + "----- end of log -----";
  }

  /**
   * Waits for {@code condition}; a timeout fails with {@code what} and the logs of {@code daemons}, and any
   * of them exiting meanwhile fails at once.
   */
  public static void await(String what, Duration timeout, Callable<Boolean> condition, DaemonProcess... daemons) {
    try {
      var factory = Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(50)).ignoreExceptions();
      if (daemons.length > 0) {
        factory = factory.failFast("a daemon exited while waiting",
            () -> java.util.Arrays.stream(daemons).anyMatch(d -> !d.isAlive()));
      }
      factory.until(condition);
    } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
      StringBuilder logs = new StringBuilder();
      for (DaemonProcess d : daemons) {
        logs.append('\n').append(d.logSection());
      }
      throw new AssertionError(e.getMessage() + logs, e);
    }
  }

  /** Checks that {@code condition} holds all the time for {@code period}, failing with the daemons' logs. */
  public static void holds(String what, Duration period, Callable<Boolean> condition, DaemonProcess... daemons) {
    try {
      Awaitility.await(what).during(period).atMost(period.plusSeconds(5)).pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(100)).until(condition);
    } catch (ConditionTimeoutException e) {
      StringBuilder logs = new StringBuilder();
      for (DaemonProcess d : daemons) {
        logs.append('\n').append(d.logSection());
      }
      throw new AssertionError(what + ": " + e.getMessage() + logs, e);
    }
  }

  /**
   * Submits a manifest as real clients do: written under a hidden temp name in the watch dir, then renamed
   * to {@code name} in one atomic step, so the daemon never sees a half-written manifest.
   */
  public static Path submit(Path watchDir, ArtifactManifest manifest, String name) {
    String text = ManifestIO.isYaml(Path.of(name)) ? ManifestIO.toYaml(manifest) : ManifestIO.toJson(manifest) + "\n";
    return submitText(watchDir, name, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Submits raw bytes (possibly not a valid manifest at all) through a temp name and an atomic rename. */
  public static Path submitText(Path watchDir, String name, byte[] content) {
    Path target = watchDir.resolve(name);
    Path temp = watchDir.resolve("." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    try {
      Files.write(temp, content);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot submit " + target, e);
    }
    return target;
  }
}
