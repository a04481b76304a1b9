package io.hypersdk.apps.hyperexport;

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts hyperexport and the hyperconvert daemon as real, separate JVMs with the test class path, the way
 * a user runs them, and stops every process it started (and their children) when closed, pass or fail.
 */
public final class Launcher implements AutoCloseable {
  public static final String HYPEREXPORT = "io.hypersdk.apps.hyperexport.HyperExport";
  public static final String HYPERCONVERT = "io.hypersdk.apps.hyperconvert.HyperConvert";
  /** Generous: a conversion of a few MiB takes about a second, but CI machines are shared. */
  public static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);

  private static final AtomicInteger SEQ = new AtomicInteger();

  private final Path logDir;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<Path> pathFirst = new ArrayList<>();
  private final List<Running> started = new CopyOnWriteArrayList<>();

  /**
   * {@code workDir} holds the processes' captured output. HYPER2KVM_CONFIG_DIR points at an empty folder,
   * so a real /etc/hyper2kvm on the machine never changes what a test sees.
   */
  public Launcher(Path workDir) {
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

  /** Starts {@code hyperconvert daemon ARGS}. */
  public Running startDaemon(String... args) {
    List<String> all = new ArrayList<>();
    all.add("daemon");
    all.addAll(List.of(args));
    return start("daemon", HYPERCONVERT, all);
  }

  private Running start(String label, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Quick start-up for short-lived tool runs; the code under test is the same.
    cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    String name = String.format("%03d-%s", SEQ.incrementAndGet(), label);
    Path out = logDir.resolve(name + ".out");
    Path err = logDir.resolve(name + ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().putAll(env);
    if (!pathFirst.isEmpty()) {
      StringBuilder path = new StringBuilder();
      pathFirst.forEach(p -> path.append(p).append(':'));
      path.append(System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
      pb.environment().put("PATH", path.toString());
    }
    try {
      Running r = new Running(label, cmd, pb.start(), out, err);
      started.add(r);
      return r;
    } catch (IOException e) {
      throw new AssertionError("cannot start " + label + ": " + e.getMessage(), e);
    }
  }

  /** Stops whatever is still running: children first, then SIGTERM, then SIGKILL after a grace period. */
  @Override
  public void close() {
    for (Running r : started) {
      stop(r.process());
    }
    started.clear();
  }

  static void stop(Process p) {
    if (!p.isAlive()) {
      return;
    }
    List<ProcessHandle> children = p.descendants().toList();
    p.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
