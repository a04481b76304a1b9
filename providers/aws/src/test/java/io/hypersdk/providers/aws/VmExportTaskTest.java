package io.hypersdk.providers.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.Providers;
import io.hypersdk.providers.aws.testing.AwsFixture;
import io.hypersdk.testing.SampleVms;
import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * --export-method export-task against WireMock as EC2 and Adobe S3Mock, run as its own process, as S3: the OVA VM
 * Export would write is put in the bucket, downloaded with ranged GETs, read by the local provider's OVA reader.
 */
@Timeout(400)
class VmExportTaskTest {
  static final String BUCKET = "exports";
  static final String KEY = "hypersdk-exports/export-i-0123456789abcdef0.ova";
  static Process s3mock;
  static String s3url;
  static S3Client s3;
  @TempDir
  static Path shared;
  static Path ova;
  static Path raw;

  @TempDir
  Path tmp;
  AwsFixture aws;

  @BeforeAll
  static void startS3Mock() throws Exception {
    System.setProperty("aws.accessKeyId", "AKIAEXAMPLEEXAMPLE00");
    System.setProperty("aws.secretAccessKey", "test-secret-not-real");
    Path jar = Path.of("target/s3mock/s3mock-exec.jar");
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError("S3Mock is missing: " + jar.toAbsolutePath() + " (Maven copies com.adobe.testing:"
          + "s3mock:5.2.0:exec there in generate-test-resources)");
    }
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    s3url = "http://127.0.0.1:" + port;
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    s3mock = new ProcessBuilder(java.toString(), "-Xmx384m", "-jar", jar.toString(), "--http.port=" + port,
        "--server.port=0", "--server.address=127.0.0.1", "--com.adobe.testing.s3mock.store.initial-buckets=" + BUCKET,
        "--com.adobe.testing.s3mock.store.root=" + shared.resolve("s3root"))
        .redirectErrorStream(true).redirectOutput(shared.resolve("s3mock.log").toFile()).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
    while (!answers(s3url + "/" + BUCKET)) {
      if (!s3mock.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("S3Mock did not start on " + s3url + ":\n"
            + Files.readString(shared.resolve("s3mock.log")));
      }
      Thread.sleep(500);
    }
    s3 = S3Client.builder().region(Region.EU_WEST_1).endpointOverride(URI.create(s3url)).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAEXAMPLEEXAMPLE00",
            "test-secret-not-real"))).httpClient(UrlConnectionHttpClient.create()).build();
    Tools.require("qemu-img", "qemu-utils");
    // 40 MiB: the OVA spans several 16 MiB ranges, fetched in parallel.
    SampleVms.SampleDisk disk = SampleVms.disk(shared, "web01", 40, 13);
    raw = disk.raw();
    ova = SampleVms.ova(shared.resolve("ova"), "web01", List.of(disk));
  }

  @AfterAll
  static void stopS3Mock() throws Exception {
    if (s3 != null) {
      s3.close();
    }
    if (s3mock != null) {
      s3mock.destroy();
      if (!s3mock.waitFor(20, TimeUnit.SECONDS)) {
        s3mock.destroyForcibly();
      }
    }
  }

  private static boolean answers(String url) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      int code = c.getResponseCode();
      c.disconnect();
      return code == 200;
    } catch (IOException e) {
      return false;
    }
  }

  @BeforeEach
  void start() {
    aws = new AwsFixture();
  }

  @AfterEach
  void stop() {
    aws.close();
  }

  private Provider provider(boolean keep) throws Exception {
    var factory = Providers.discover().get("aws");
    return factory.open(ProviderSettings.builder(factory).set("region", "eu-west-1").set("endpoint_url",
        aws.endpoint()).set("s3_endpoint_url", s3url).set("export_method", "export-task").set("export_bucket", BUCKET)
        .set("keep_export", keep).build(Map.of()));
  }

  private ExportedVm export(Provider p) throws Exception {
    return p.export(new ExportRequest(AwsFixture.INSTANCE, tmp.resolve("out"), ExportFormat.OVF),
        ExportProgress.NONE);
  }

  @Test
  void theOvaIsDownloadedReadAndDeletedFromTheBucket() throws Exception {
    aws.oneVolumeOneNic();
    aws.exportTask(BUCKET, KEY);
    s3.putObject(b -> b.bucket(BUCKET).key(KEY), RequestBody.fromFile(ova));

    ExportedVm x;
    try (Provider p = provider(false)) {
      x = export(p);
    }

    assertThat(x.exportMethod()).isEqualTo("aws-export-task");
    assertThat(x.vm().id()).isEqualTo(AwsFixture.INSTANCE);
    assertThat(x.disks()).singleElement().satisfies(d -> {
      assertThat(d.id()).isEqualTo(AwsFixture.ROOT_VOLUME);
      assertThat(d.format()).isEqualTo("vmdk");
      assertThat(Tools.run(List.of("qemu-img", "compare", "-f", "raw", "-F", "vmdk", raw.toString(), d.path())))
          .contains("Images are identical");
    });
    assertThat(aws.bodies("CreateInstanceExportTask")).singleElement().asString()
        .contains("ExportToS3.ContainerFormat=ova", "ExportToS3.DiskImageFormat=VMDK", "ExportToS3.S3Bucket=" + BUCKET,
            "TargetEnvironment=vmware");
    assertThat(aws.calls("DescribeExportTasks")).as("waited until completed").isEqualTo(2);
    assertThat(aws.calls("CancelExportTask")).isZero();
    assertThatThrownBy(() -> s3.headObject(b -> b.bucket(BUCKET).key(KEY))).as("the OVA is deleted from S3")
        .isInstanceOf(NoSuchKeyException.class);
    try (var files = Files.list(tmp.resolve("out"))) {
      assertThat(files.map(f -> f.getFileName().toString()).toList()).as("no OVA left locally either")
          .noneMatch(n -> n.endsWith(".ova") || n.endsWith(".part"));
    }
  }

  @Test
  void keepExportLeavesTheObject() throws Exception {
    aws.oneVolumeOneNic();
    aws.exportTask(BUCKET, KEY);
    s3.putObject(b -> b.bucket(BUCKET).key(KEY), RequestBody.fromFile(ova));
    try (Provider p = provider(true)) {
      export(p);
    }
    assertThat(s3.headObject(b -> b.bucket(BUCKET).key(KEY)).contentLength()).isEqualTo(Files.size(ova));
    s3.deleteObject(b -> b.bucket(BUCKET).key(KEY));
  }

  @Test
  void whatVmExportCannotDoIsRefusedBeforeATaskIsCreated() throws Exception {
    try (Provider p = provider(false)) {
      assertThatThrownBy(() -> export(p)).isInstanceOf(ProviderException.class)
          .hasMessage("--export-method export-task: instance " + AwsFixture.INSTANCE + " has 2 EBS volumes and VM "
              + "Export exports only instances with one; use the default --export-method ebs-direct")
          .extracting(e -> ((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.INVALID_REQUEST);
    }
    assertThat(aws.calls("CreateInstanceExportTask")).isZero();
  }

  @Test
  void theBucketIsRequired() throws Exception {
    var factory = Providers.discover().get("aws");
    assertThatThrownBy(() -> factory.open(ProviderSettings.builder(factory).set("region", "eu-west-1")
        .set("export_method", "export-task").build(Map.of())))
        .hasMessage("--export-method export-task needs --export-bucket: the S3 bucket VM Export writes the OVA to");
  }
}
