package io.hypersdk.apps.hyperexport;

import io.hypersdk.queue.QueueLayout;
import io.hypersdk.testing.JavaProcess;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.SystemctlStandIn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Starts hyperexport and the hyperconvert daemon as real, separate JVMs with the test class path, the way
 * a user runs them, and stops every process it started (and their children) when closed, pass or fail.
 */
public final class Launcher implements AutoCloseable {
  public static final String HYPEREXPORT = "io.hypersdk.apps.hyperexport.HyperExport";
  /** Generous: a conversion of a few MiB takes about a second, but CI machines are shared. */
  public static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);

  private final Path workDir;
  private final Path logDir;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<Path> pathFirst = new ArrayList<>();
  private final List<Running> started = new CopyOnWriteArrayList<>();
  private final List<QueueDaemon> daemons = new CopyOnWriteArrayList<>();

  /**
   * {@code workDir} holds the processes' captured output. HYPER2KVM_CONFIG_DIR points at an empty folder,
   * so a real /etc/hyper2kvm on the machine never changes what a test sees.
   */
  public Launcher(Path workDir) {
    this.workDir = workDir;
    this.logDir = workDir.resolve("logs");
    try {
      Files.createDirectories(logDir);
      Path noEtc = Files.createDirectories(workDir.resolve("empty-etc-hyper2kvm"));
      env.put("HYPER2KVM_CONFIG_DIR", noEtc.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Puts {@code dir} first on the children's PATH (stand-ins such as a fake systemctl). */
  public Launcher pathFirst(Path dir) {
    pathFirst.add(0, dir.toAbsolutePath());
    return this;
  }

  public Launcher env(String key, String value) {
    env.put(key, value);
    return this;
  }

  /** Runs hyperexport to its end. */
  public Result hyperexport(String... args) {
    return startHyperexport(args).await(RUN_TIMEOUT);
  }

  /** Starts hyperexport and returns at once. */
  public Running startHyperexport(String... args) {
    return start("hyperexport", HYPEREXPORT, List.of(args));
  }

  /**
   * Starts {@code hyperconvert daemon --config CONFIG EXTRA...} serving {@code watch} and {@code output}, with
   * this launcher's environment and PATH, and waits for its first heartbeat.
   */
  public QueueDaemon daemon(Path config, Path watch, Path output, String... extra) {
    QueueDaemon d = QueueDaemon.with(config, new QueueLayout(watch, output)).logDir(logDir).args(extra).env(env)
        .pathFirst(pathFirst).start();
    daemons.add(d);
    d.awaitHeartbeat();
    return d;
  }

  /**
   * The design's Scenario 2: a {@code hyper2kvm@NAME} instance of the queue daemon, configured by its own file
   * {@code WORK/etc/NAME.yaml} (give hyperexport {@code --hyper2kvm-instance NAME --hyper2kvm-config-dir WORK/etc}),
   * with a systemctl stand-in first on PATH that finds no unit active.
   */
  public QueueDaemon instance(String name) {
    try {
      SystemctlStandIn.install(Files.createDirectories(workDir.resolve("bin")))
          .answerAll("inactive", 3);
      pathFirst(workDir.resolve("bin"));
      Path watch = Files.createDirectories(workDir.resolve("q/queue"));
      Path output = Files.createDirectories(workDir.resolve("q/output"));
      return daemon(QueueDaemon.writeConfig(workDir.resolve("etc").resolve(name + ".yaml"), watch, output, 2), watch,
          output, "--instance", name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Running start(String label, String mainClass, List<String> args) {
    try {
      Running r = new Running(label, JavaProcess.startWithPaths(logDir, label, mainClass, args, env, pathFirst));
      started.add(r);
      return r;
    } catch (IOException e) {
      throw new AssertionError("cannot start " + label + ": " + e.getMessage(), e);
    }
  }

  /** Stops whatever is still running: SIGTERM to each, then SIGKILL after a grace period, children too. */
  @Override
  public void close() {
    for (Running r : started) {
      r.stop();
    }
    started.clear();
    daemons.forEach(QueueDaemon::close);
    daemons.clear();
  }
}
