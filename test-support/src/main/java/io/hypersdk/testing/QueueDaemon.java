package io.hypersdk.testing;

import io.hypersdk.manifest.ArtifactManifest;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * The real queue daemon ({@code hyperconvert daemon}) running as a separate JVM started from the test class
 * path by class name, its output in log files. Closing it kills it (and the qemu-img processes it started) if
 * it is still alive, so a failing test never leaves a daemon behind.
 */
public final class QueueDaemon implements AutoCloseable {
  /** The converter's main class; the module under test has it on its test class path. */
  public static final String MAIN_CLASS = "io.hypersdk.apps.hyperconvert.HyperConvert";
  /** Generous: the build machine has two cores and several JVMs and qemu-img processes share them. */
  public static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** The daemon verifies checksums of whole disks: the full JIT, as in production, and a bounded heap. */
  private static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xmx256m");

  private static final Set<QueueDaemon> LIVE = ConcurrentHashMap.newKeySet();

  static {
    // Last resort when the test JVM itself is stopped: no daemon outlives it.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(QueueDaemon::killTree)));
  }

  private final JavaProcess java;
  private final QueueLayout layout;
  private final String instance;
  private volatile String owner;

  private QueueDaemon(JavaProcess java, QueueLayout layout, String instance) {
    this.java = java;
    this.layout = layout;
    this.instance = instance;
  }

  /**
   * Writes a daemon config for {@code watch} and {@code output} with one-second heartbeat and rescan periods,
   * so tests need not wait for the production defaults.
   */
  public static Path writeConfig(Path file, Path watch, Path output, int maxConcurrent) {
    String yaml = "watch_dir: " + watch.toAbsolutePath() + "\n"
        + "output_dir: " + output.toAbsolutePath() + "\n"
        + "heartbeat_seconds: 1\n"
        + "rescan_seconds: 1\n"
        + "max_concurrent: " + maxConcurrent + "\n"
        + "stop_timeout_seconds: 10\n";
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Writes {@code CONFIG_DIR/INSTANCE.yaml}, the config of instance INSTANCE, for one job at a time. */
  public static Path writeConfig(Path configDir, String instance, Path watch, Path output) {
    return writeConfig(configDir.resolve(instance + ".yaml"), watch, output, 1);
  }

  /**
   * Starts {@code daemon --instance INSTANCE} of {@code CONFIG_DIR/INSTANCE.yaml} (written by
   * {@link #writeConfig(Path, String, Path, Path)}) with {@code HYPER2KVM_CONFIG_DIR=CONFIG_DIR}, as systemd
   * starts {@code hyper2kvm@INSTANCE}, and waits for its first heartbeat.
   */
  public static QueueDaemon startInstance(Path configDir, String instance, Path logDir) {
    Path config = configDir.resolve(instance + ".yaml");
    QueueDaemon d = with(config, layoutOf(config)).instance(instance).logDir(logDir)
        .env("HYPER2KVM_CONFIG_DIR", configDir.toString()).start();
    d.awaitHeartbeat();
    return d;
  }

  /** The queue a config written by {@link #writeConfig(Path, Path, Path, int)} names. */
  private static QueueLayout layoutOf(Path config) {
    try {
      Map<String, Path> dirs = new LinkedHashMap<>();
      for (String line : Files.readAllLines(config, StandardCharsets.UTF_8)) {
        int colon = line.indexOf(": ");
        if (colon > 0) {
          dirs.put(line.substring(0, colon), Path.of(line.substring(colon + 2)));
        }
      }
      return new QueueLayout(dirs.get("watch_dir"), dirs.get("output_dir"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + config, e);
    }
  }

  /** A daemon to start with {@code daemon --config CONFIG} on the queue the config names. */
  public static Launch with(Path config, QueueLayout layout) {
    return new Launch(config, layout);
  }

  /** Starts {@code hyperconvert daemon --config CONFIG --instance INSTANCE EXTRA...}, output in {@code logDir}. */
  public static QueueDaemon start(Path config, String instance, QueueLayout layout, Path logDir, String... extra) {
    return with(config, layout).instance(instance).logDir(logDir).args(extra).start();
  }

  /** Runs {@code hyperconvert ARGS} as given, for runs expected to end by themselves (config errors). */
  public static QueueDaemon run(List<String> args, Path logDir) {
    return launch(args, logDir, "hyperconvert", Map.of(), List.of(), null, null);
  }

  private static QueueDaemon launch(List<String> args, Path logDir, String label, Map<String, String> env,
      List<Path> pathFirst, QueueLayout layout, String instance) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("HYPERSDK_LOG_LEVEL", "INFO");
    all.putAll(env);
    try {
      QueueDaemon d = new QueueDaemon(
          JavaProcess.startWithOptions(JVM_OPTIONS, logDir, label, MAIN_CLASS, args, all, pathFirst), layout, instance);
      LIVE.add(d);
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + MAIN_CLASS + " " + String.join(" ", args), e);
    }
  }

  public long pid() {
    return java.process().pid();
  }

  public boolean isAlive() {
    return java.isAlive();
  }

  public String instance() {
    return instance;
  }

  /** host-instance: the name of this daemon's processing folder and heartbeat, as its first heartbeat says. */
  public String owner() {
    if (owner == null) {
      awaitHeartbeat();
    }
    return owner;
  }

  /** Everything the daemon printed so far, stdout then stderr. */
  public String log() {
    return java.stdout() + java.stderr();
  }

  /** This daemon's heartbeat file as it is now, if there is one. */
  public Optional<Heartbeat> heartbeat() {
    if (owner == null) {
      Optional<Heartbeat> mine = QueueFiles.readHeartbeats(layout.watchDir()).stream()
          .filter(h -> h.pid() == pid()).findFirst();
      mine.ifPresent(h -> owner = h.owner());
      return mine;
    }
    try {
      return QueueFiles.readJson(layout.heartbeatFile(owner), Heartbeat.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until this process's heartbeat says it serves the queue; fails early when the daemon exits. */
  public Heartbeat awaitHeartbeat() {
    await("daemon pid " + pid() + " writes a running heartbeat", TIMEOUT,
        () -> heartbeat().filter(h -> h.pid() == pid() && Heartbeat.RUNNING.equals(h.state())).isPresent(), this);
    return heartbeat().orElseThrow();
  }

  /** SIGTERM, as systemd stops it; waits for the exit and returns its code (0 for a clean stop). */
  public int term() {
    java.process().destroy();
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
      if (!java.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("daemon " + describe() + " did not exit within " + timeout + "\n" + logSection());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    LIVE.remove(this);
    return java.process().exitValue();
  }

  @Override
  public void close() {
    if (isAlive()) {
      killTree(this);
      try {
        java.process().waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    LIVE.remove(this);
    // Surefire keeps this in target/surefire-reports/CLASS-output.txt: the daemon's side of a failure.
    System.out.println(logSection());
  }

  private static void killTree(QueueDaemon d) {
    // The children must be listed before the parent dies: afterwards they are no longer its descendants.
    List<ProcessHandle> children = d.java.process().descendants().toList();
    d.java.process().destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
  }

  private String describe() {
    return (owner == null ? "hyperconvert" : owner) + " (pid " + pid() + ")";
  }

  /** The daemon's output between markers, for assertion messages. */
  public String logSection() {
    return "----- log of " + describe() + " -----\n" + log() + "----- end of log -----";
  }

  /**
   * Waits for {@code condition}; a timeout fails with {@code what} and the logs of {@code daemons}, and any
   * of them exiting meanwhile fails at once.
   */
  public static void await(String what, Duration timeout, Callable<Boolean> condition, QueueDaemon... daemons) {
    try {
      var factory = Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(50)).ignoreExceptions();
      if (daemons.length > 0) {
        factory = factory.failFast("a daemon exited while waiting",
            () -> Arrays.stream(daemons).anyMatch(d -> !d.isAlive()));
      }
      factory.until(condition);
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      throw new AssertionError(e.getMessage() + logs(daemons), e);
    }
  }

  /** Checks that {@code condition} holds all the time for {@code period}, failing with the daemons' logs. */
  public static void holds(String what, Duration period, Callable<Boolean> condition, QueueDaemon... daemons) {
    try {
      Awaitility.await(what).during(period).atMost(period.plusSeconds(5)).pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(100)).until(condition);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(what + ": " + e.getMessage() + logs(daemons), e);
    }
  }

  private static String logs(QueueDaemon... daemons) {
    StringBuilder logs = new StringBuilder();
    for (QueueDaemon d : daemons) {
      logs.append('\n').append(d.logSection());
    }
    return logs.toString();
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

  /** How to start a daemon: instance, extra arguments, environment, stand-in commands first on PATH. */
  public static final class Launch {
    private final Path config;
    private final QueueLayout layout;
    private String instance;
    private Path logDir;
    private final List<String> extra = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<Path> pathFirst = new ArrayList<>();

    private Launch(Path config, QueueLayout layout) {
      this.config = config;
      this.layout = layout;
      this.logDir = config.toAbsolutePath().getParent().resolve("logs");
    }

    /** {@code --instance NAME}; none by default. */
    public Launch instance(String name) {
      this.instance = name;
      return this;
    }

    /** Where the output goes, as {@code daemon-N.out|err}; default: {@code logs} beside the config. */
    public Launch logDir(Path dir) {
      this.logDir = dir;
      return this;
    }

    public Launch args(String... args) {
      extra.addAll(List.of(args));
      return this;
    }

    public Launch env(Map<String, String> values) {
      env.putAll(values);
      return this;
    }

    public Launch env(String key, String value) {
      env.put(key, value);
      return this;
    }

    /** Folders put first on the daemon's PATH, ahead of the earlier ones (stand-ins such as systemctl). */
    public Launch pathFirst(List<Path> dirs) {
      pathFirst.addAll(dirs);
      return this;
    }

    /** Starts the daemon and returns at once; see {@link #awaitHeartbeat()}. */
    public QueueDaemon start() {
      List<String> args = new ArrayList<>(List.of("daemon", "--config", config.toString()));
      if (instance != null) {
        args.addAll(List.of("--instance", instance));
      }
      args.addAll(extra);
      return launch(args, logDir, instance == null ? "daemon" : instance, env, pathFirst, layout, instance);
    }
  }
}
