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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * GCP export throughput: the provider's real export (snapshots, images, the image-export build, the staged qcow2
 * objects downloaded in parallel ranges with the object's CRC32C checked and the disk's SHA-256 while writing,
 * cleanup) from WireMock answering as Compute, Cloud Build and Cloud Storage, against {@code curl} fetching the
 * same objects in the same ranges with the same parallelism, in the same run. See bench/README.md.
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
    int rounds = Integer.parseInt(env("BENCH_ROUNDS", "3"));
    int parallel = Integer.parseInt(env("BENCH_PARALLEL", "8"));
    int mib = Integer.parseInt(env("BENCH_MIB", "1024"));
    try (GcpFixture gcp = new GcpFixture(work.resolve("fixture"), false)) {
      gcp.dense(mib);
      var factory = Providers.discover().get("gcp");
      ProviderSettings settings = ProviderSettings.builder(factory).set("project", GcpFixture.PROJECT)
          .set("credentials_file", gcp.keyFile(work.resolve("key.json")).toString())
          .set("staging_bucket", GcpFixture.BUCKET).set("compute_endpoint", gcp.endpoint())
          .set("storage_endpoint", gcp.endpoint()).set("cloudbuild_endpoint", gcp.endpoint())
          .set("parallel", parallel).build(Map.of());
      // curl gets the same objects under fixed names, in the provider's range size, with the same token.
      long bytes = 0;
      StringBuilder cfg = new StringBuilder("header = \"Authorization: Bearer " + GcpFixture.TOKEN + "\"\n");
      for (String disk : List.of(GcpFixture.BOOT_DISK, GcpFixture.DATA_DISK)) {
        String url = gcp.publish("bench/" + disk + ".qcow2", disk, "qcow2");
        long size = gcp.objectSize("bench/" + disk + ".qcow2");
        bytes += size;
        long range = RANGE_BYTES;
        for (long at = 0, i = 0; at < size; at += range, i++) {
          cfg.append("url = \"").append(url).append("\"\nrange = \"").append(at).append('-')
              .append(Math.min(size, at + range) - 1).append("\"\noutput = \"").append(disk).append('-').append(i)
              .append("\"\n");
        }
      }
      Path urls = work.resolve("curl.cfg");
      Files.writeString(urls, cfg, StandardCharsets.UTF_8);
      System.out.printf(Locale.ROOT, "2 disks, qcow2 objects of %d MiB in all, ranges of %d MiB, parallel %d, %d "
          + "rounds%n", bytes >> 20, RANGE_BYTES >> 20, parallel, rounds);
      // Warm-up: JIT, connections, page cache, the fixture's staged objects; not counted.
      try (Provider p = factory.open(settings)) {
        export(p, work.resolve("out-warmup"));
      }
      curl(urls, work.resolve("curl-warmup"), parallel, false);
      List<Double> project = new ArrayList<>();
      List<Double> download = new ArrayList<>();
      List<Double> plain = new ArrayList<>();
      List<Double> sha = new ArrayList<>();
      System.out.printf("%5s %12s %12s %12s %16s %14s%n", "round", "project", "download", "curl", "curl+sha256sum",
          "download/curl");
      for (int r = 1; r <= rounds; r++) {
        try (Provider p = factory.open(settings)) {
          project.add(mib(bytes) / export(p, work.resolve("out")));
          download.add(mib(bytes) / downloadSeconds);
        }
        plain.add(mib(bytes) / curl(urls, work.resolve("curl"), parallel, false));
        sha.add(mib(bytes) / curl(urls, work.resolve("curl"), parallel, true));
        System.out.printf(Locale.ROOT, "%5d %12.1f %12.1f %12.1f %16.1f %14.2f%n", r, project.get(r - 1),
            download.get(r - 1), plain.get(r - 1), sha.get(r - 1), download.get(r - 1) / plain.get(r - 1));
      }
      double ratio = median(download) / median(plain);
      System.out.printf(Locale.ROOT, "%5s %12.1f %12.1f %12.1f %16.1f   (MiB/s, medians)%n", "", median(project),
          median(download), median(plain), median(sha));
      System.out.printf(Locale.ROOT, "download/curl = %.2f (target >= %.1f, the project's download with checksums on):"
          + " %s%n", ratio, TARGET, ratio >= TARGET ? "met" : "missed");
      System.out.printf(Locale.ROOT, "project/curl = %.2f (the whole export: snapshot, image and build calls and "
          + "their polling, and the cleanup, counted)%n", median(project) / median(plain));
      System.out.printf(Locale.ROOT, "download/(curl+sha256sum) = %.2f%n", median(download) / median(sha));
    }
  }

  /** Seconds of the download phase of the last export: from progress start (objects staged) to finish. */
  static double downloadSeconds;

  /** Seconds for one export of both disks into {@code out}, which is removed afterwards. */
  static double export(Provider p, Path out) throws Exception {
    long[] phase = new long[2];
    ExportProgress progress = new ExportProgress() {
      @Override
      public void start(long totalBytes) {
        phase[0] = System.nanoTime();
      }

      @Override
      public void finish() {
        phase[1] = System.nanoTime();
      }
    };
    long start = System.nanoTime();
    ExportedVm x = p.export(new ExportRequest(GcpFixture.NAME, out, ExportFormat.OVF), progress);
    double s = (System.nanoTime() - start) / 1e9;
    downloadSeconds = (phase[1] - phase[0]) / 1e9;
    if (x.disks().size() != 2) {
      throw new IllegalStateException("the export wrote " + x.disks().size() + " disks");
    }
    deleteTree(out);
    return s;
  }

  /**
   * Seconds for one curl process fetching every range, {@code parallel} at a time (-Z), into one file each; with
   * {@code sha}, then sha256sum of every file and sync, as the project checks and flushes what it writes.
   */
  static double curl(Path cfg, Path out, int parallel, boolean sha) throws Exception {
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

  static void run(Path dir, List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(cmd.get(0) + " exited with " + p.exitValue());
    }
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
