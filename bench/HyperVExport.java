import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.Providers;
import io.hypersdk.providers.hyperv.testing.HyperVHost;
import io.hypersdk.testing.ExportVsCurl;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
      StringBuilder c = new StringBuilder();
      for (int i = 0; i < paths.size(); i++) {
        long size = Files.size(host.file(paths.get(i)));
        String url = "sftp://127.0.0.1:" + host.port() + "/" + paths.get(i).replace('\\', '/');
        for (long off = 0, n = 0; off < size; off += RANGE, n++) {
          // One transfer per range: curl's range (like user and insecure) is one setting for every URL of a group,
          // so each range is a group of its own ("next"), and no "next" may end the file.
          c.append(c.isEmpty() ? "" : "next\n").append("user = \"")
              .append(HyperVHost.USER.replace("\\", "\\\\")).append(':').append(HyperVHost.PASSWORD)
              .append("\"\ninsecure\nurl = \"").append(url).append("\"\nrange = ").append(off).append('-')
              .append(Math.min(size, off + RANGE) - 1).append("\noutput = \"d").append(i).append('-').append(n)
              .append("\"\n");
        }
      }
      // The credentials go in a file curl reads, never on its command line.
      Files.writeString(cfg, c, StandardCharsets.UTF_8);
      System.out.printf(Locale.ROOT, "2 VHDX files, %.0f MiB in all, %d MiB ranges, parallel %d, %d rounds%n",
          bytes / 1048576.0, RANGE >> 20, parallel, rounds);
      checkCurlFetchesEveryByte(cfg, work.resolve("curl-check"), bytes);
      ExportVsCurl.run(work, bytes, parallel, rounds, cfg, out -> {
        try (Provider p = factory.open(settings)) {
          ExportedVm x = p.export(new ExportRequest("bench01", out, ExportFormat.OVF), ExportProgress.NONE);
          if (x.disks().size() != 2) {
            throw new IllegalStateException("the export wrote " + x.disks().size() + " disks");
          }
        }
      });
    }
  }

  /** Fails unless curl with {@code cfg} writes exactly {@code bytes}: a wrong config would time other work. */
  static void checkCurlFetchesEveryByte(Path cfg, Path out, long bytes) throws Exception {
    Files.createDirectories(out);
    run(out, List.of("curl", "-sS", "--no-progress-meter", "--fail", "-K", cfg.toString()));
    long written;
    try (Stream<Path> s = Files.list(out)) {
      written = s.mapToLong(f -> f.toFile().length()).sum();
    }
    deleteTree(out);
    if (written != bytes) {
      throw new IllegalStateException("curl wrote " + written + " bytes of " + bytes + ": its config is wrong");
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

  static void run(Path dir, List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(cmd.get(0) + " exited with " + p.exitValue());
    }
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
