package io.hypersdk.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The export benchmarks' harness (bench/*-export.sh): a provider's export timed against one {@code curl} process
 * fetching the same URLs from the same server with the same parallelism, in alternating rounds of the same run,
 * after a warm-up of each; prints MiB/s per round, the medians and the ratio against the 0.9 target, and the CPU
 * seconds per GiB each side spent (this JVM and the processes it ran, or curl) beside the server's (the live
 * processes this JVM started, e.g. Azurite), since on a small machine the client's CPU is taken from the server's.
 */
public final class ExportVsCurl {
  static final double TARGET = 0.9;

  /** One export of everything into {@code out}; it fails when the export is incomplete. */
  @FunctionalInterface
  public interface Export {
    void into(Path out) throws Exception;
  }

  private ExportVsCurl() {}

  /**
   * Runs {@code rounds} rounds in {@code work}: the export, curl with the config {@code curlConfig} (one transfer
   * per range, {@code -Z --parallel-max parallel}), and curl followed by sha256sum and sync; {@code bytes} is what
   * each of them moves.
   */
  public static void run(Path work, long bytes, int parallel, int rounds, Path curlConfig, Export export)
      throws Exception {
    // Warm-up: JIT, connections, page cache; not counted.
    time(export, work.resolve("out-warmup"));
    curl(curlConfig, work.resolve("curl-warmup"), parallel, false);
    List<Double> project = new ArrayList<>();
    List<Double> plain = new ArrayList<>();
    List<Double> sha = new ArrayList<>();
    List<double[]> projectCpu = new ArrayList<>();
    List<double[]> curlCpu = new ArrayList<>();
    System.out.printf("%5s %12s %12s %16s %14s%n", "round", "project", "curl", "curl+sha256sum", "project/curl");
    for (int r = 1; r <= rounds; r++) {
      Cpu before = Cpu.now();
      project.add(mib(bytes) / time(export, work.resolve("out")));
      Cpu between = Cpu.now();
      plain.add(mib(bytes) / curl(curlConfig, work.resolve("curl"), parallel, false));
      Cpu after = Cpu.now();
      projectCpu.add(between.since(before, true, bytes));
      curlCpu.add(after.since(between, false, bytes));
      sha.add(mib(bytes) / curl(curlConfig, work.resolve("curl"), parallel, true));
      System.out.printf(Locale.ROOT, "%5d %12.1f %12.1f %16.1f %14.2f%n", r, project.get(r - 1), plain.get(r - 1),
          sha.get(r - 1), project.get(r - 1) / plain.get(r - 1));
    }
    double ratio = median(project) / median(plain);
    System.out.printf(Locale.ROOT, "%5s %12.1f %12.1f %16.1f   (MiB/s, medians)%n", "", median(project),
        median(plain), median(sha));
    System.out.printf(Locale.ROOT, "project/curl = %.2f (target >= %.1f, the project with checksums on): %s%n",
        ratio, TARGET, ratio >= TARGET ? "met" : "missed");
    System.out.printf(Locale.ROOT, "project/(curl+sha256sum) = %.2f%n", median(project) / median(sha));
    System.out.printf(Locale.ROOT, "CPU s/GiB (medians): project %.2f (server %.2f), curl %.2f (server %.2f)%n",
        median(projectCpu.stream().map(c -> c[0]).toList()), median(projectCpu.stream().map(c -> c[1]).toList()),
        median(curlCpu.stream().map(c -> c[0]).toList()), median(curlCpu.stream().map(c -> c[1]).toList()));
  }

  /** Seconds for one export into {@code out}, which is removed afterwards. */
  private static double time(Export export, Path out) throws Exception {
    long start = System.nanoTime();
    export.into(out);
    double s = (System.nanoTime() - start) / 1e9;
    deleteTree(out);
    return s;
  }

  /**
   * Seconds for one curl process fetching every transfer of {@code cfg}, {@code parallel} at a time, into one file
   * each; with {@code sha}, then sha256sum of every file and sync, as the project checks and flushes what it writes.
   */
  private static double curl(Path cfg, Path out, int parallel, boolean sha) throws Exception {
    Files.createDirectories(out);
    long start = System.nanoTime();
    run(out, List.of("curl", "-sS", "--no-progress-meter", "--fail", "-Z", "--parallel-max",
        Integer.toString(parallel), "-K", cfg.toString()));
    if (sha) {
      run(out, List.of("bash", "-c", "find . -type f -print0 | xargs -0 sha256sum > /dev/null && sync -f ."));
    }
    double s = (System.nanoTime() - start) / 1e9;
    deleteTree(out);
    return s;
  }

  private static void run(Path dir, List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(cmd.get(0) + " exited with " + p.exitValue());
    }
  }

  /**
   * CPU seconds used so far: this JVM, its exited (waited-for) children such as curl, and its live descendants
   * (the server under test), from /proc in clock ticks of 1/100 s (USER_HZ on Linux).
   */
  private record Cpu(double jvm, double exitedChildren, double server) {
    static Cpu now() {
      var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
          .getOperatingSystemMXBean();
      String[] self = stat(ProcessHandle.current().pid());
      double server = ProcessHandle.current().descendants().mapToDouble(p -> {
        String[] f = stat(p.pid());
        return f == null ? 0 : ticks(f, 11) + ticks(f, 12);
      }).sum();
      return new Cpu(os.getProcessCpuTime() / 1e9, self == null ? 0 : ticks(self, 13) + ticks(self, 14), server);
    }

    /** {client, server} CPU seconds per GiB of {@code bytes} since {@code start}; the client is this JVM too if asked. */
    double[] since(Cpu start, boolean withJvm, long bytes) {
      double gib = bytes / (double) (1L << 30);
      double client = exitedChildren - start.exitedChildren + (withJvm ? jvm - start.jvm : 0);
      return new double[] {client / gib, (server - start.server) / gib};
    }

    /** The fields of /proc/PID/stat after the command name (so index 11 is utime), or null once it has gone. */
    private static String[] stat(long pid) {
      try {
        String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return s.substring(s.lastIndexOf(')') + 2).split(" ");
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }

    private static double ticks(String[] fields, int i) {
      return Long.parseLong(fields[i]) / 100.0;
    }
  }

  static double median(List<Double> v) {
    List<Double> s = v.stream().sorted().toList();
    return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
  }

  private static double mib(long bytes) {
    return bytes / 1048576.0;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
