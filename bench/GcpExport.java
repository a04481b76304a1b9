import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.Providers;
import io.hypersdk.providers.gcp.testing.GcpFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * GCP export throughput: the provider's real export (snapshots, images, the image-export build, the staged qcow2
 * objects downloaded in parallel ranges with the object's CRC32C checked and the disk's SHA-256 while writing,
 * cleanup) against {@code curl} fetching the same objects in the same ranges with the same parallelism, in the same
 * run. The fixture runs in a process of its own ({@code GcpExport serve}): WireMock as Compute and Cloud Build,
 * and Cloud Storage on the fixture's lean JDK HttpServer (each object's CRC32C computed once), which serves both
 * curl and the exporter. See bench/README.md.
 *
 * <p>Environment: BENCH_WORK (a temp dir the wrapper owns and removes), BENCH_ROUNDS (3), BENCH_PARALLEL (8, the
 * provider's default), BENCH_MIB (1024: how many MiB of each 1 GiB disk hold data, so how large each object is).
 */
public final class GcpExport {
  static final double TARGET = 0.9;
  /** The provider's range size (StagedObject.RANGE_BYTES), so both sides make the same requests. */
  static final long RANGE_BYTES = 8L << 20;

  public static void main(String[] args) throws Exception {
    Path work = Path.of(System.getenv("BENCH_WORK"));
    int mib = Integer.parseInt(env("BENCH_MIB", "1024"));
    if (args.length == 1 && args[0].equals("serve")) {
      serve(work, mib);
      return;
    }
    int rounds = Integer.parseInt(env("BENCH_ROUNDS", "3"));
    int parallel = Integer.parseInt(env("BENCH_PARALLEL", "8"));
    Path ready = work.resolve("fixture.properties");
    // The source file this runs from (bench/provider-export.sh runs it from the repository's root).
    Process fixture = new ProcessBuilder("java", "-cp", System.getProperty("java.class.path"),
        Path.of("bench/GcpExport.java").toString(), "serve").redirectOutput(ProcessBuilder.Redirect.INHERIT)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      while (!Files.exists(ready)) {
        if (!fixture.isAlive()) {
          throw new IllegalStateException("the fixture process exited with " + fixture.exitValue());
        }
        Thread.sleep(200);
      }
      Properties f = new Properties();
      try (var in = Files.newInputStream(ready)) {
        f.load(in);
      }
      long bytes = Long.parseLong(f.getProperty("bytes"));
      Path urls = Path.of(f.getProperty("curl"));
      var factory = Providers.discover().get("gcp");
      ProviderSettings settings = ProviderSettings.builder(factory).set("project", GcpFixture.PROJECT)
          .set("credentials_file", f.getProperty("key")).set("staging_bucket", GcpFixture.BUCKET)
          .set("compute_endpoint", f.getProperty("endpoint")).set("storage_endpoint", f.getProperty("storage"))
          .set("cloudbuild_endpoint", f.getProperty("endpoint")).set("parallel", parallel).build(Map.of());
      System.out.printf(Locale.ROOT, "2 disks, qcow2 objects of %d MiB in all, ranges of %d MiB, parallel %d, %d "
          + "rounds; Cloud Storage on the fixture's lean HttpServer in its own process%n", bytes >> 20,
          RANGE_BYTES >> 20, parallel, rounds);
      // Warm-up: JIT, connections, page cache, the fixture's staged objects; not counted.
      try (Provider p = factory.open(settings)) {
        export(p, work.resolve("out-warmup"));
      }
      curl(urls, work.resolve("curl-warmup"), parallel, false, bytes);
      List<Double> project = new ArrayList<>();
      List<Double> download = new ArrayList<>();
      List<Double> downloadCpu = new ArrayList<>();
      List<Double> plain = new ArrayList<>();
      List<Double> plainCpu = new ArrayList<>();
      List<Double> sha = new ArrayList<>();
      List<Double> shaCpu = new ArrayList<>();
      double gib = bytes / (double) (1L << 30);
      System.out.printf("%5s %9s %9s %8s %9s %8s %11s %8s %9s%n", "round", "project", "download", "cpu", "curl",
          "cpu", "curl+sha", "cpu", "dl/curl");
      for (int r = 1; r <= rounds; r++) {
        try (Provider p = factory.open(settings)) {
          project.add(mib(bytes) / export(p, work.resolve("out")));
          download.add(mib(bytes) / downloadSeconds);
          downloadCpu.add(downloadCpuSeconds / gib);
        }
        double[] c = curl(urls, work.resolve("curl"), parallel, false, bytes);
        plain.add(mib(bytes) / c[0]);
        plainCpu.add(c[1] / gib);
        c = curl(urls, work.resolve("curl"), parallel, true, bytes);
        sha.add(mib(bytes) / c[0]);
        shaCpu.add(c[1] / gib);
        System.out.printf(Locale.ROOT, "%5d %9.1f %9.1f %8.2f %9.1f %8.2f %11.1f %8.2f %9.2f%n", r,
            project.get(r - 1), download.get(r - 1), downloadCpu.get(r - 1), plain.get(r - 1), plainCpu.get(r - 1),
            sha.get(r - 1), shaCpu.get(r - 1), download.get(r - 1) / plain.get(r - 1));
      }
      double ratio = median(download) / median(plain);
      System.out.printf(Locale.ROOT, "%5s %9.1f %9.1f %8.2f %9.1f %8.2f %11.1f %8.2f   (MiB/s and CPU s/GiB, "
          + "medians)%n", "", median(project), median(download), median(downloadCpu), median(plain),
          median(plainCpu), median(sha), median(shaCpu));
      System.out.printf(Locale.ROOT, "download/curl = %.2f (target >= %.1f, the project's download with checksums on):"
          + " %s%n", ratio, TARGET, ratio >= TARGET ? "met" : "missed");
      System.out.printf(Locale.ROOT, "project/curl = %.2f (the whole export: snapshot, image and build calls and "
          + "their polling, and the cleanup, counted)%n", median(project) / median(plain));
      System.out.printf(Locale.ROOT, "download/(curl+sha256sum) = %.2f%n", median(download) / median(sha));
    } finally {
      fixture.getOutputStream().close();
      fixture.waitFor();
    }
  }

  /**
   * The fixture's process: WireMock and the lean storage server with both disks dense, the objects curl fetches
   * published, and what the bench needs written to BENCH_WORK/fixture.properties; runs until stdin closes.
   */
  static void serve(Path work, int mib) throws Exception {
    try (GcpFixture gcp = new GcpFixture(work.resolve("fixture"), false)) {
      gcp.dense(mib);
      String storage = gcp.leanStorageEndpoint();
      // curl gets the same objects under fixed names, in the provider's range size, with the same token.
      long bytes = 0;
      StringBuilder cfg = new StringBuilder();
      for (String disk : List.of(GcpFixture.BOOT_DISK, GcpFixture.DATA_DISK)) {
        String url = gcp.publish("bench/" + disk + ".qcow2", disk, "qcow2", storage);
        long size = gcp.objectSize("bench/" + disk + ".qcow2");
        bytes += size;
        for (long at = 0, i = 0; at < size; at += RANGE_BYTES, i++) {
          // One transfer per range: curl's range (like its header) is one setting for every URL of a group, so each
          // range is a group of its own ("next"), and no "next" may end the file.
          cfg.append(cfg.isEmpty() ? "" : "next\n").append("url = \"").append(url).append("\"\nrange = \"")
              .append(at).append('-').append(Math.min(size, at + RANGE_BYTES) - 1).append("\"\noutput = \"")
              .append(disk).append('-').append(i).append("\"\nheader = \"Authorization: Bearer ")
              .append(GcpFixture.TOKEN).append("\"\nfail\n");
        }
      }
      Path urls = work.resolve("curl.cfg");
      Files.writeString(urls, cfg, StandardCharsets.UTF_8);
      Properties p = new Properties();
      p.setProperty("endpoint", gcp.endpoint());
      p.setProperty("storage", storage);
      p.setProperty("key", gcp.keyFile(work.resolve("key.json")).toString());
      p.setProperty("curl", urls.toString());
      p.setProperty("bytes", Long.toString(bytes));
      Path tmp = work.resolve("fixture.properties.tmp");
      try (var out = Files.newOutputStream(tmp)) {
        p.store(out, null);
      }
      Files.move(tmp, work.resolve("fixture.properties"), StandardCopyOption.ATOMIC_MOVE);
      System.in.transferTo(java.io.OutputStream.nullOutputStream());
    }
  }

  /** Seconds of the download phase of the last export: from progress start (objects staged) to finish. */
  static double downloadSeconds;
  /** CPU seconds of this process (the exporter's, the fixture runs elsewhere) in that phase. */
  static double downloadCpuSeconds;
  static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean)
      java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  /** Seconds for one export of both disks into {@code out}, which is removed afterwards. */
  static double export(Provider p, Path out) throws Exception {
    long[] phase = new long[4];
    ExportProgress progress = new ExportProgress() {
      @Override
      public void start(long totalBytes) {
        phase[0] = System.nanoTime();
        phase[2] = OS.getProcessCpuTime();
      }

      @Override
      public void finish() {
        phase[1] = System.nanoTime();
        phase[3] = OS.getProcessCpuTime();
      }
    };
    long start = System.nanoTime();
    ExportedVm x = p.export(new ExportRequest(GcpFixture.NAME, out, ExportFormat.OVF), progress);
    double s = (System.nanoTime() - start) / 1e9;
    downloadSeconds = (phase[1] - phase[0]) / 1e9;
    downloadCpuSeconds = (phase[3] - phase[2]) / 1e9;
    if (x.disks().size() != 2) {
      throw new IllegalStateException("the export wrote " + x.disks().size() + " disks");
    }
    deleteTree(out);
    return s;
  }

  /**
   * Wall and CPU seconds (user + system, bash's {@code time}) for one curl process fetching every range,
   * {@code parallel} at a time (-Z), into one file each; with {@code sha}, then sha256sum of every file and sync,
   * as the project checks and flushes what it writes. Fails unless the files hold {@code expected} bytes in all.
   */
  static double[] curl(Path cfg, Path out, int parallel, boolean sha, long expected) throws Exception {
    Files.createDirectories(out);
    String cmd = "curl -sS --no-progress-meter -Z --parallel-max " + parallel + " -K '" + cfg + "'"
        + (sha ? " && find . -type f -print0 | xargs -0 sha256sum > /dev/null && sync -f ." : "");
    Path times = out.resolveSibling(out.getFileName() + ".time");
    long start = System.nanoTime();
    Process p = new ProcessBuilder("bash", "-c", "TIMEFORMAT='%3U %3S'; { time { " + cmd + "; }; } 2> '" + times + "'")
        .directory(out.toFile()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("curl exited with " + p.exitValue() + ": " + Files.readString(times));
    }
    double s = (System.nanoTime() - start) / 1e9;
    long got;
    try (Stream<Path> files = Files.list(out)) {
      got = files.mapToLong(f -> f.toFile().length()).sum();
    }
    if (got != expected) {
      throw new IllegalStateException("curl wrote " + got + " bytes, not the objects' " + expected);
    }
    List<String> lines = Files.readAllLines(times);
    String[] userSys = lines.get(lines.size() - 1).trim().split(" ");
    deleteTree(out);
    Files.delete(times);
    return new double[] {s, Double.parseDouble(userSys[0]) + Double.parseDouble(userSys[1])};
  }

  static double median(List<Double> v) {
    List<Double> s = v.stream().sorted().toList();
    return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
  }

  static double mib(long bytes) {
    return bytes / 1048576.0;
  }

  static String env(String key, String otherwise) {
    String v = System.getenv(key);
    return v == null || v.isBlank() ? otherwise : v;
  }

  static void deleteTree(Path dir) throws IOException {
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
