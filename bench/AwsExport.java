import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.Providers;
import io.hypersdk.providers.aws.testing.AwsFixture;
import io.hypersdk.testing.ExportVsCurl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * AWS export throughput: the provider's real EBS direct export (CreateSnapshots, ListSnapshotBlocks, parallel
 * GetSnapshotBlock with each block's SHA-256 checked, the disk's SHA-256 while writing, fsync, DeleteSnapshot)
 * from WireMock answering as EC2 and EBS, against {@code curl} fetching the same blocks from the same server with
 * the same parallelism, in the same run ({@link ExportVsCurl}). See bench/README.md.
 *
 * <p>Environment: BENCH_WORK (a temp dir the wrapper owns and removes), BENCH_ROUNDS (3), BENCH_PARALLEL (8, the
 * provider's default).
 */
public final class AwsExport {
  public static void main(String[] args) throws Exception {
    Path work = Path.of(System.getenv("BENCH_WORK"));
    int rounds = Integer.parseInt(env("BENCH_ROUNDS", "3"));
    int parallel = Integer.parseInt(env("BENCH_PARALLEL", "8"));
    // Not a real account: the SDK's default chain reads these first; WireMock checks no signature.
    System.setProperty("aws.accessKeyId", "AKIAEXAMPLEEXAMPLE00");
    System.setProperty("aws.secretAccessKey", "bench-secret-not-real");
    int blocksPerVolume = (int) (AwsFixture.VOLUME_BYTES / AwsFixture.BLOCK);
    try (AwsFixture aws = new AwsFixture(false)) {
      aws.dense();
      var factory = Providers.discover().get("aws");
      ProviderSettings settings = ProviderSettings.builder(factory).set("region", "eu-west-1")
          .set("endpoint_url", aws.endpoint()).set("parallel", parallel).build(Map.of());
      Path urls = work.resolve("curl.cfg");
      StringBuilder cfg = new StringBuilder();
      for (String snap : List.of(AwsFixture.ROOT_SNAPSHOT, AwsFixture.DATA_SNAPSHOT)) {
        for (int i = 0; i < blocksPerVolume; i++) {
          cfg.append("url = \"").append(aws.endpoint()).append("/snapshots/").append(snap).append("/blocks/")
              .append(i).append("?blockToken=t").append(i).append("\"\noutput = \"").append(snap).append('-')
              .append(i).append("\"\n");
        }
      }
      Files.writeString(urls, cfg, StandardCharsets.UTF_8);
      System.out.printf(Locale.ROOT, "2 volumes x %d MiB, %d blocks of %d KiB each, parallel %d, %d rounds%n",
          AwsFixture.VOLUME_BYTES >> 20, blocksPerVolume, AwsFixture.BLOCK >> 10, parallel, rounds);
      ExportVsCurl.run(work, 2 * AwsFixture.VOLUME_BYTES, parallel, rounds, urls, out -> {
        try (Provider p = factory.open(settings)) {
          ExportedVm x = p.export(new ExportRequest(AwsFixture.INSTANCE, out, ExportFormat.OVF), ExportProgress.NONE);
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
