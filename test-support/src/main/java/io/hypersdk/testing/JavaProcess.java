package io.hypersdk.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started with the test class path (a daemon or tool of the project), its output in
 * files; stopped with SIGTERM (as systemd stops it) or SIGKILL (a crash), only this process and its children.
 */
public final class JavaProcess implements AutoCloseable {
  /**
   * JVM options for tools that start, do little and exit: the quick C1 compiler only. Not for processes that
   * hash or copy gigabytes, which need the optimising compiler (and its SHA-256 intrinsics).
   */
  public static final List<String> QUICK_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
      "-XX:-UsePerfData", "-Xshare:auto");
  private final Process process;
  private final Path out;
  private final Path err;

  private JavaProcess(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  public static JavaProcess start(Path logDir, String label, String mainClass, List<String> args, Map<String, String> env,
      Path pathFirst) throws IOException {
    return startWithPaths(logDir, label, mainClass, args, env, pathFirst == null ? List.of() : List.of(pathFirst));
  }

  /**
   * Starts {@code mainClass ARGS} with the test class path, its output in {@code logDir/LABEL-N.out|err},
   * {@code env} added, and {@code pathFirst} (stand-in commands such as systemctl) ahead of PATH.
   */
  public static JavaProcess startWithPaths(Path logDir, String label, String mainClass, List<String> args,
      Map<String, String> env, List<Path> pathFirst) throws IOException {
    return startWithOptions(QUICK_START, logDir, label, mainClass, args, env, pathFirst);
  }

  /** As {@link #startWithPaths}, with these JVM options instead of {@link #QUICK_START}. */
  public static JavaProcess startWithOptions(List<String> jvmOptions, Path logDir, String label, String mainClass,
      List<String> args, Map<String, String> env, List<Path> pathFirst) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    Files.createDirectories(logDir);
    int n = 1;
    while (Files.exists(logDir.resolve(label + "-" + n + ".out"))) {
      n++;
    }
    Path out = logDir.resolve(label + "-" + n + ".out");
    Path err = logDir.resolve(label + "-" + n + ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().remove("HYPERVISORD_API_TOKEN");
    pb.environment().putAll(env);
    if (!pathFirst.isEmpty()) {
      StringBuilder path = new StringBuilder();
      pathFirst.forEach(p -> path.append(p.toAbsolutePath()).append(':'));
      pb.environment().put("PATH", path + System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
    }
    return new JavaProcess(pb.start(), out, err);
  }

  public Process process() {
    return process;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String stdout() {
    return read(out);
  }

  public String stderr() {
    return read(err);
  }

  /** SIGTERM; returns the exit code. */
  public int stop() throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    return process.exitValue();
  }

  /** SIGKILL, as a crash. */
  public void kill() throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        stop();
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
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
