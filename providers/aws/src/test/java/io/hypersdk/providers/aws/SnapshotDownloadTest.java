package io.hypersdk.providers.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.aws.testing.AwsFixture;
import io.hypersdk.providers.download.Downloaded;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ebs.EbsClient;

/** Resuming one volume's download from the blocks an interrupted run left on disk, each verified first. */
class SnapshotDownloadTest {
  @TempDir
  Path tmp;
  AwsFixture aws;
  EbsClient ebs;
  ExecutorService pool = Executors.newFixedThreadPool(4);

  @BeforeEach
  void start() {
    aws = new AwsFixture();
    ebs = EbsClient.builder().region(Region.EU_WEST_1).endpointOverride(URI.create(aws.endpoint()))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAEXAMPLEEXAMPLE00",
            "test-secret-not-real"))).httpClient(UrlConnectionHttpClient.create()).build();
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
    ebs.close();
    aws.close();
  }

  @Test
  void aSecondRunReusesTheVerifiedBlocksAndFetchesTheDamagedOnesAgain() throws Exception {
    SnapshotDownload download = new SnapshotDownload(ebs, pool, 4, ExportProgress.NONE);
    SnapshotDownload.Layout layout = download.layout(AwsFixture.ROOT_SNAPSHOT);
    Path target = tmp.resolve("root.raw");
    aws.dropConnection(AwsFixture.ROOT_SNAPSHOT, 5);
    assertThatThrownBy(() -> download.download(layout, target)).isInstanceOf(ProviderException.class)
        .extracting(e -> ((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.NETWORK);
    Path part = tmp.resolve("root.raw.part");
    assertThat(target).doesNotExist();
    assertThat(Files.readAllLines(tmp.resolve("root.raw.part.blocks"))).as("a header, then blocks 0 and 1")
        .hasSize(3).first().asString().startsWith("hypersdk-ebs-blocks v1 ");
    // Block 1 is damaged on disk after the run: it must not be reused.
    try (RandomAccessFile f = new RandomAccessFile(part.toFile(), "rw")) {
      f.seek(AwsFixture.BLOCK + 100);
      f.write(new byte[] {42, 42, 42});
    }
    aws.heal();

    Downloaded w = download.download(layout, target);

    assertThat(w.reusedRanges()).as("block 0 reused, block 1 fetched again").isEqualTo(1);
    assertThat(Files.mismatch(target, aws.expectedDisk(AwsFixture.ROOT_SNAPSHOT, tmp.resolve("expected"))))
        .isEqualTo(-1L);
    assertThat(w.sha256()).isEqualTo(io.hypersdk.io.Sha256.ofFile(target));
    assertThat(part).doesNotExist();
    assertThat(tmp.resolve("root.raw.resume")).doesNotExist();
    assertThat(aws.blockRequests(AwsFixture.ROOT_SNAPSHOT, 1)).isEqualTo(2);
  }
}
