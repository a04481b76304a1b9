package io.hypersdk.apps.hyperexport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypersdk.providers.gcp.testing.GcpFixture;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.SystemctlStandIn;
import io.hypersdk.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * hyperexport --provider gcp as a real process against WireMock answering as Google's token endpoint, Compute,
 * Cloud Build and Cloud Storage: the bad-input table, Ctrl-C during the image-export build, and a two-disk
 * instance through the gcp-prod queue instance to qcow2, from qcow2 and from image.tar.gz with a sparse disk.raw.
 */
@Timeout(600)
class GcpExportTest {
  @TempDir
  Path work;
  Launcher tools;
  GcpFixture gcp;
  Path key;

  @BeforeEach
  void start() {
    tools = new Launcher(work);
    gcp = new GcpFixture(work.resolve("fixture"));
    key = gcp.keyFile(work.resolve("key.json"));
  }

  @AfterEach
  void stop() {
    tools.close();
    gcp.close();
  }

  private List<String> gcp(String... more) {
    List<String> a = new ArrayList<>(List.of("--provider", "gcp", "--project", GcpFixture.PROJECT,
        "--credentials-file", key.toString(), "--staging-bucket", GcpFixture.BUCKET, "--compute-endpoint",
        gcp.endpoint(), "--storage-endpoint", gcp.endpoint(), "--cloudbuild-endpoint", gcp.endpoint(),
        "--parallel", "4"));
    a.addAll(List.of(more));
    return a;
  }

  private Result run(List<String> args) {
    Result r = tools.hyperexport(args.toArray(String[]::new));
    assertThat(r.stdout() + r.stderr()).as("no key or token is shown: %s", r).doesNotContain(GcpFixture.TOKEN)
        .doesNotContain("PRIVATE KEY");
    EndToEndTest.assertNoStackTrace(r);
    return r;
  }

  /**
   * One row of the bad-input table: what the emulator answers, the extra flags, the exit code and the line. Each
   * cause has its own code: an instance in another zone 15, no --staging-bucket 2 (usage), a staging bucket that
   * does not exist 6 (environment), before anything is created in the project.
   */
  enum BadInput {
    UNKNOWN_VM(3, "hyperexport: instance db07 not found in any zone of project hypersdk-test (is it in another "
        + "project? set --project or GOOGLE_CLOUD_PROJECT)", g -> { }, "--vm", "db07"),
    ZONE_MISMATCH(15, "hyperexport: instance web01 is in zone europe-west1-b, not in --zone us-central1-a: set that "
        + "zone or leave --zone out to search every zone", g -> { }, "--vm", "web01", "--zone", "us-central1-a"),
    WRONG_CREDENTIALS(6, "hyperexport: Google refused the credentials of ", g -> { }, "--vm", "web01"),
    MISSING_PERMISSION(12, "hyperexport: not allowed: the credentials of ", g -> g.error("POST",
        ".*/disks/[^/]+/createSnapshot", 403, "Required 'compute.snapshots.create' permission for "
            + "'projects/hypersdk-test/global/snapshots/hx-web01'", "forbidden"), "--vm", "web01"),
    QUOTA(13, "hyperexport: compute.images.create refused: a quota of the project was reached (Quota 'IMAGES' "
        + "exceeded.  Limit: 10.0 globally.)", g -> g.error("POST", ".*/global/images", 403, "Quota 'IMAGES' "
        + "exceeded.  Limit: 10.0 globally.", "quotaExceeded"), "--vm", "web01"),
    REFUSED_DISK(4, "hyperexport: the image-export build ", g -> g.refuseExport("disk web01 is encrypted with a "
        + "customer-supplied key, which the image export cannot read"), "--vm", "web01"),
    INTERRUPTED_NETWORK(14, "hyperexport: bytes 0-", GcpFixture::dropMedia, "--vm", "web01"),
    NO_STAGING_BUCKET(2, "hyperexport: --staging-bucket is required to export from gcp: the Cloud Storage bucket the "
        + "image-export build writes each disk to", g -> { }, "--vm", "web01"),
    STAGING_BUCKET_MISSING(6, "hyperexport: the staging bucket gs://hypersdk-stagin does not exist: create it in "
        + "project hypersdk-test (gcloud storage buckets create gs://hypersdk-stagin) or set --staging-bucket to an "
        + "existing bucket", g -> { }, "--vm", "web01");

    final int exit;
    final String line;
    final Consumer<GcpFixture> setUp;
    final String[] args;

    BadInput(int exit, String line, Consumer<GcpFixture> setUp, String... args) {
      this.exit = exit;
      this.line = line;
      this.setUp = setUp;
      this.args = args;
    }
  }

  @ParameterizedTest
  @EnumSource(BadInput.class)
  void badInputIsOneLineWithItsOwnExitCodeAndNothingIsLeftInTheProject(BadInput bad) {
    bad.setUp.accept(gcp);
    if (bad == BadInput.WRONG_CREDENTIALS) {
      key = gcp.revokedKeyFile(work.resolve("revoked.json"));
    }
    List<String> args = gcp("--output", work.resolve("out").toString());
    int bucket = args.indexOf("--staging-bucket");
    if (bad == BadInput.NO_STAGING_BUCKET) {
      args.remove(bucket);
      args.remove(bucket);
    } else if (bad == BadInput.STAGING_BUCKET_MISSING) {
      args.set(bucket + 1, "hypersdk-stagin");
    }
    args.addAll(List.of(bad.args));
    Result r = run(args);

    assertThat(r.exit()).as("%s", r).isEqualTo(bad.exit);
    assertThat(EndToEndTest.errorLines(r)).as("%s", r).singleElement().asString().startsWith(bad.line);
    switch (bad) {
      case WRONG_CREDENTIALS -> assertThat(EndToEndTest.errorLines(r).get(0)).contains("invalid_grant");
      case MISSING_PERMISSION -> assertThat(EndToEndTest.errorLines(r).get(0))
          .contains("lack the permission compute.snapshots.create");
      case INTERRUPTED_NETWORK -> assertThat(EndToEndTest.errorLines(r).get(0)).contains(" of gs://"
          + GcpFixture.BUCKET + "/hypersdk-export/hxi-web01-0-").contains(".qcow2 failed 4 times: cannot reach "
          + "127.0.0.1 calling storage.objects.get: ");
      case REFUSED_DISK -> assertThat(EndToEndTest.errorLines(r).get(0)).contains("ended FAILURE")
          .contains("encrypted with a customer-supplied key").contains("log: https://console.cloud.google.com/");
      default -> { }
    }
    assertThat(gcp.leftovers()).as("%s", r).isEmpty();
    if (java.util.EnumSet.of(BadInput.UNKNOWN_VM, BadInput.ZONE_MISMATCH, BadInput.WRONG_CREDENTIALS,
        BadInput.NO_STAGING_BUCKET, BadInput.STAGING_BUCKET_MISSING).contains(bad)) {
      assertThat(gcp.created("snapshot")).as("refused before anything was created: %s", r).isZero();
    }
    assertThat(EndToEndTest.names(work.resolve("out"))).as("no disk under its final name")
        .noneMatch(n -> n.endsWith(".qcow2"));
  }

  @Test
  void ctrlCDuringTheBuildExits130CancelsItAndDeletesImagesAndSnapshots() {
    gcp.slowBuilds();
    Running running = tools.startHyperexport(gcp("--vm", "web01", "--output", work.resolve("out").toString())
        .toArray(String[]::new));
    await("both builds under way").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
        .failFast("hyperexport ended early", () -> !running.process().isAlive())
        .until(() -> gcp.created("build") == 2);
    running.signal("INT");
    Result r = running.await(Duration.ofSeconds(60));

    assertThat(r.exit()).as("%s", r).isEqualTo(130);
    assertThat(EndToEndTest.errorLines(r)).as("%s", r).containsExactly("hyperexport: interrupted");
    EndToEndTest.assertNoStackTrace(r);
    assertThat(gcp.created("image")).isEqualTo(2);
    assertThat(gcp.leftovers()).as("%s", r).isEmpty();
    assertThat(gcp.requests("POST", ".*/builds/[^/]+:cancel")).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"qcow2", "raw"})
  void aTwoDiskInstanceGoesThroughTheGcpProdQueueInstanceToQcow2(String format) throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    SystemctlStandIn.install(Files.createDirectories(work.resolve("bin"))).answerAll("inactive", 3);
    tools.pathFirst(work.resolve("bin"));
    Path watch = Files.createDirectories(work.resolve("q/queue"));
    Path output = Files.createDirectories(work.resolve("q/output"));
    // The design's Scenario 2: a hyper2kvm@gcp-prod instance, found by its name through its own config file.
    Path etc = work.resolve("etc");
    QueueDaemon d = tools.daemon(QueueDaemon.writeConfig(etc.resolve("gcp-prod.yaml"), watch, output, 2), watch,
        output, "--instance", "gcp-prod");
    Path out = work.resolve("export");

    // The disks hold random bytes, no OS: nothing for the fix stage to change.
    List<String> args = gcp("--vm", GcpFixture.NAME, "--image-format", format, "--output", out.toString(),
        "--pipeline", "--no-fix", "--hyper2kvm-daemon", "--hyper2kvm-instance", "gcp-prod", "--hyper2kvm-config-dir",
        etc.toString(), "--hyper2kvm-poll-interval", "0.2", "--json");
    Result r = tools.startHyperexport(args.toArray(String[]::new)).await(Duration.ofMinutes(6));
    assertThat(r.stdout() + r.stderr()).as("no token is shown: %s", r).doesNotContain(GcpFixture.TOKEN);
    EndToEndTest.assertNoStackTrace(r);

    assertThat(r.exit()).as("%s\n--- daemon ---\n%s", r, d.log()).isZero();
    JsonNode p = r.json().path("pipeline");
    assertThat(p.path("execution").path("mode").asText()).isEqualTo("daemon");
    assertThat(p.path("execution").path("heartbeat").asText()).endsWith("-gcp-prod");
    List<String> outputs = new ArrayList<>();
    p.path("outputs").forEach(o -> outputs.add(o.asText()));
    assertThat(outputs).hasSize(2);
    assertThat(Tools.run(List.of("qemu-img", "compare", "-f", "raw", "-F", "qcow2",
        gcp.expectedDisk(GcpFixture.BOOT_DISK).toString(), outputs.get(0)))).contains("Images are identical");
    assertThat(Tools.run(List.of("qemu-img", "compare", "-f", "raw", "-F", "qcow2",
        gcp.expectedDisk(GcpFixture.DATA_DISK).toString(), outputs.get(1)))).contains("Images are identical");

    JsonNode manifest = new ObjectMapper().readTree(out.resolve("artifact-manifest.json").toFile());
    assertThat(manifest.path("source").path("provider").asText()).isEqualTo("gcp");
    assertThat(manifest.path("source").path("datacenter").asText()).isEqualTo(GcpFixture.ZONE);
    assertThat(manifest.path("source").path("export_method").asText()).isEqualTo("gcp-image-export");
    assertThat(manifest.path("vm").path("cpu").asInt()).isEqualTo(2);
    assertThat(manifest.path("vm").path("mem_gb").asInt()).isEqualTo(8);
    assertThat(manifest.path("vm").path("firmware").asText()).isEqualTo("uefi");
    assertThat(manifest.path("disks").get(0).path("source_format").asText()).isEqualTo(format);
    if (format.equals("raw")) {
      // disk.raw was a sparse tar entry: its holes stay holes in the exported disk.
      long blocks = Long.parseLong(Tools.run(List.of("stat", "-c", "%b", manifest.path("disks").get(0)
          .path("local_path").asText())).strip());
      assertThat(blocks * 512).isLessThan(64L << 20);
    }
    assertThat(manifest.path("nics").get(0).path("mac").isNull() || manifest.path("nics").get(0).path("mac")
        .isMissingNode()).as("%s", manifest.path("nics")).isTrue();
    assertThat(manifest.toString()).contains("no MAC address");
    assertThat(gcp.leftovers()).isEmpty();
    assertThat(d.term()).isZero();
  }
}
