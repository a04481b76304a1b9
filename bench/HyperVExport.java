import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.Providers;
import io.hypersdk.providers.hyperv.testing.HyperVHost;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Hyper-V export throughput: the hyperv provider's real export (PowerShell over SSH, then parallel 8 MiB SFTP
 * ranges on their own channels, the disk's SHA-256 while writing, fsync) from the in-process SSH server of the
 * tests, against {@code curl} fetching the same files from the same server by the same 8 MiB ranges (sftp://,
 * {@code -r}) with the same parallelism, in the same run. See bench/README.md.
 *
 * <p>Environment: BENCH_WORK (a temp dir the wrapper owns and removes), BENCH_ROUNDS (3), BENCH_PARALLEL (4, the
 * provider's default), BENCH_DISK_MIB (256 per disk, two disks).
 */
public final class HyperVExport {
  static final double TARGET = 0.9;
  static final int RANGE = 8 << 20;

  public static void main(String[] args) throws Exception {
    Path work = Path.of(System.getenv("BENCH_WORK"));
    int rounds = Integer.parseInt(env("BENCH_ROUNDS", "3"));
    int parallel = Integer.parseInt(env("BENCH_PARALLEL", "4"));
    int mib = Integer.parseInt(env("BENCH_DISK_MIB", "256"));
    try (HyperVHost host = new HyperVHost(work, HyperVHost.Flavor.POWERSHELL_7)) {
      List<String> paths = List.of("C:\\Hyper-V\\bench\\bench-os.vhdx", "C:\\Hyper-V\\bench\\bench-data.vhdx");
      HyperVHost.Vm vm = host.addVm("bench01");
      long bytes = 0;
      for (int i = 0; i < paths.size(); i++) {
        Path vhdx = denseVhdx(work, "disk" + i, mib, i);
        vm.disk("SCSI", 0, i, paths.get(i), vhdx);
        bytes += Files.size(host.file(paths.get(i)));
        Files.delete(vhdx);
      }
      var factory = Providers.discover().get("hyperv");
      ProviderSettings settings = ProviderSettings.builder(factory).set("host", "127.0.0.1").set("port", host.port())
          .set("username", HyperVHost.USER).set("password", HyperVHost.PASSWORD)
          .set("host_key_fingerprint", host.fingerprint()).set("parallel", parallel).build(Map.of());
      Path cfg = work.resolve("curl.cfg");
      StringBuilder c = new StringBuilder("user = \"" + HyperVHost.USER.replace("\\", "\\\\") + ":"
          + HyperVHost.PASSWORD + "\"\ninsecure\n");
      for (int i = 0; i < paths.size(); i++) {
        long size = Files.size(host.file(paths.get(i)));
        String url = "sftp://127.0.0.1:" + host.port() + "/" + paths.get(i).replace('\\', '/');
        for (long off = 0, n = 0; off < size; off += RANGE, n++) {
          c.append("url = \"").append(url).append("\"\nrange = ").append(off).append('-')
              .append(Math.min(size, off + RANGE) - 1).append("\noutput = \"d").append(i).append('-').append(n)
              .append("\"\n");
        }
      }
      // The credentials go in a file curl reads, never on its command line.
      Files.writeString(cfg, c, StandardCharsets.UTF_8);
      System.out.printf(Locale.ROOT, "2 VHDX files, %.0f MiB in all, %d MiB ranges, parallel %d, %d rounds%n",
          mib(bytes), RANGE >> 20, parallel, rounds);
      try (Provider p = factory.open(settings)) {
        export(p, work.resolve("out-warmup"));
      }
      curl(cfg, work.resolve("curl-warmup"), parallel, false);
      List<Double> project = new ArrayList<>();
      List<Double> plain = new ArrayList<>();
      List<Double> sha = new ArrayList<>();
      System.out.printf("%5s %12s %12s %16s %14s%n", "round", "project", "curl", "curl+sha256sum", "project/curl");
      for (int r = 1; r <= rounds; r++) {
        try (Provider p = factory.open(settings)) {
          project.add(mib(bytes) / export(p, work.resolve("out")));
        }
        plain.add(mib(bytes) / curl(cfg, work.resolve("curl"), parallel, false));
        sha.add(mib(bytes) / curl(cfg, work.resolve("curl"), parallel, true));
        System.out.printf(Locale.ROOT, "%5d %12.1f %12.1f %16.1f %14.2f%n", r, project.get(r - 1), plain.get(r - 1),
            sha.get(r - 1), project.get(r - 1) / plain.get(r - 1));
      }
      double ratio = median(project) / median(plain);
      System.out.printf(Locale.ROOT, "%5s %12.1f %12.1f %16.1f   (MiB/s, medians)%n", "", median(project),
          median(plain), median(sha));
      System.out.printf(Locale.ROOT, "project/curl = %.2f (target >= %.1f, the project with checksums on): %s%n",
          ratio, TARGET, ratio >= TARGET ? "met" : "missed");
      System.out.printf(Locale.ROOT, "project/(curl+sha256sum) = %.2f%n", median(project) / median(sha));
    }
  }

  /** A VHDX of {@code mib} MiB of random bytes (dense: nothing for either side to skip). */
  static Path denseVhdx(Path dir, String name, int mib, long seed) throws Exception {
    Path raw = dir.resolve(name + ".raw");
    Random random = new Random(seed);
    byte[] block = new byte[1 << 20];
    try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
      for (int i = 0; i < mib; i++) {
        random.nextBytes(block);
        f.write(block);
      }
    }
    Path vhdx = dir.resolve(name + ".vhdx");
    run(dir, List.of("qemu-img", "convert", "-f", "raw", "-O", "vhdx", raw.toString(), vhdx.toString()));
    Files.delete(raw);
    return vhdx;
  }

  /** Seconds for one export of both disks into {@code out}, which is removed afterwards. */
  static double export(Provider p, Path out) throws Exception {
    long start = System.nanoTime();
    ExportedVm x = p.export(new ExportRequest("bench01", out, ExportFormat.OVF), ExportProgress.NONE);
    double s = (System.nanoTime() - start) / 1e9;
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
    run(out, List.of("curl", "-sS", "--no-progress-meter", "-Z", "--parallel-max", Integer.toString(parallel), "-K",
        cfg.toString()));
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
