import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.Providers;
import io.hypersdk.providers.azure.testing.AzureFixture;
import io.hypersdk.testing.ExportVsCurl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Azure export throughput: the provider's real export (snapshot PUT, beginGetAccess polled, Get Page Ranges,
 * parallel 4 MiB ranged GETs through azure-storage-blob with each range's Content-MD5 checked, the disk's SHA-256
 * while writing, fsync, endGetAccess, snapshot DELETE) with WireMock answering as ARM and Azurite 3.35.0 serving
 * the page blobs, against {@code curl} fetching the same ranges of the same blobs through the same SAS URLs with
 * the same parallelism, in the same run ({@link ExportVsCurl}). See bench/README.md.
 *
 * <p>Environment: BENCH_WORK (a temp dir the wrapper owns and removes; its bin/ is first on PATH), BENCH_ROUNDS (3),
 * BENCH_PARALLEL (8, the provider's default), BENCH_DISK_MIB (256 per disk).
 */
public final class AzureExport {
  public static void main(String[] args) throws Exception {
    Path work = Path.of(System.getenv("BENCH_WORK"));
    int rounds = Integer.parseInt(env("BENCH_ROUNDS", "3"));
    int parallel = Integer.parseInt(env("BENCH_PARALLEL", "8"));
    long diskBytes = Long.parseLong(env("BENCH_DISK_MIB", "256")) << 20;
    // azure-identity's AzureCliCredential runs az from PATH: the wrapper put BENCH_WORK/bin first.
    AzureFixture.installAzCli(work.resolve("bin"));
    long bytes = 2 * diskBytes;
    try (AzureFixture azure = AzureFixture.dense(diskBytes)) {
      var factory = Providers.discover().get("azure");
      ProviderSettings settings = ProviderSettings.builder(factory).set("subscription", AzureFixture.SUBSCRIPTION)
          .set("credential", "azure-cli").set("arm_endpoint", azure.endpoint()).set("parallel", parallel)
          .set("disk_format", "raw").build(Map.of());
      Path urls = work.resolve("curl.cfg");
      StringBuilder cfg = new StringBuilder();
      int ranges = 0;
      for (String disk : List.of(AzureFixture.OS_DISK, AzureFixture.DATA_DISK)) {
        String sas = azure.sas(disk, 24 * 3600);
        for (long[] r : azure.ranges(disk)) {
          // One transfer per range; options after "next" start afresh, and no "next" may end the file.
          cfg.append(ranges == 0 ? "" : "next\n").append("url = \"").append(sas).append("\"\noutput = \"")
              .append(disk).append('-').append(r[0]).append("\"\nrange = \"").append(r[0]).append('-')
              .append(r[0] + r[1] - 1).append("\"\nfail\n");
          ranges++;
        }
      }
      Files.writeString(urls, cfg, StandardCharsets.UTF_8);
      System.out.printf(Locale.ROOT, "2 disks x %d MiB, %d ranges of 4 MiB, parallel %d, %d rounds%n",
          diskBytes >> 20, ranges, parallel, rounds);
      ExportVsCurl.run(work, bytes, parallel, rounds, urls, out -> {
        try (Provider p = factory.open(settings)) {
          ExportedVm x = p.export(new ExportRequest(AzureFixture.NAME, out, ExportFormat.OVF), ExportProgress.NONE);
          if (x.disks().size() != 2) {
            throw new IllegalStateException("the export wrote " + x.disks().size() + " disks");
          }
        }
      });
    }
  }

  static String env(String key, String otherwise) {
    String v = System.getenv(key);
    return v == null || v.isBlank() ? otherwise : v;
  }
}
