package io.hypersdk.tests.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hypersdk.testing.QueueDaemon;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifest's {@code configuration} block on the test guest: an SSH key for root lands in the converted
 * guest's authorized_keys (read back with guestfish), and a key the fix stage does not apply fails the job
 * by name instead of being dropped. The manifest is hyperexport's, with the block added, submitted to the
 * daemon's queue as another tool (or a person) would.
 */
@Timeout(value = 25, unit = java.util.concurrent.TimeUnit.MINUTES)
class ConfigurationIT {
  static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHlwZXJzZGstdGVzdC1rZXktbm90LWEtcmVhbC1vbmUx"
      + " hypersdk-guest-test";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path work;
  GuestPipeline pipeline;

  @BeforeEach
  void start() {
    pipeline = new GuestPipeline(work);
  }

  @AfterEach
  void stop() {
    pipeline.close();
  }

  @Test
  void anSshKeyForRootLandsInTheGuest() throws Exception {
    ObjectNode manifest = exportedManifest("with-key");
    manifest.putObject("configuration").putObject("ssh_authorized_keys").putArray("root").add(KEY);

    JsonNode result = convert(manifest, "with-key");

    assertThat(result.path("status").asText()).as("%s\n--- daemon ---\n%s", result, pipeline.daemon().log())
        .isEqualTo("completed");
    assertThat(result.path("changes")).anySatisfy(c -> assertThat(c.path("file").asText())
        .isEqualTo("/root/.ssh/authorized_keys"));
    Path bootDisk = pipeline.output().resolve(TestGuest.vmName("bios") + ".qcow2");
    String keys = GuestDisks.guestfish(List.of(bootDisk), "inspect-os\nmount-ro /dev/sda1 /\n"
        + "cat /root/.ssh/authorized_keys");
    assertThat(keys.lines()).contains(KEY);
  }

  @Test
  void aConfigurationKeyTheFixDoesNotApplyFailsTheJobByName() throws Exception {
    ObjectNode manifest = exportedManifest("refused");
    manifest.putObject("configuration").putObject("network").put("ens192", "static 192.0.2.10/24");

    JsonNode result = convert(manifest, "refused");

    assertThat(result.path("status").asText()).isEqualTo("failed");
    assertThat(result.path("error").asText()).contains("configuration.network").contains("not supported");
    assertThat(pipeline.output().resolve(TestGuest.vmName("bios") + ".qcow2")).as("no half-written output")
        .doesNotExist();
  }

  /** hyperexport's manifest for the BIOS guest, its disk paths made absolute so it can live in the queue. */
  private ObjectNode exportedManifest(String label) throws Exception {
    Path out = work.resolve("export-" + label);
    GuestPipeline.Tool export = pipeline.exportOnly(TestGuest.ova("bios"), out);
    assertThat(export.exit()).as("%s", export).isZero();
    Path file = out.resolve("artifact-manifest.json");
    ObjectNode manifest = (ObjectNode) JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    for (JsonNode disk : manifest.path("disks")) {
      Path p = Path.of(disk.path("local_path").asText());
      ((ObjectNode) disk).put("local_path", out.resolve(p).toAbsolutePath().toString());
    }
    ObjectNode pipe = manifest.with("pipeline");
    pipe.with("fix").put("enabled", true);
    pipe.with("boot_check").put("mode", "off");
    return manifest;
  }

  /**
   * Submits {@code manifest} to the daemon and waits for the job's end: the VM's result.json, or for a job
   * that failed before writing one, its .error file (as {@code {"status": "failed", "error": FIRST LINE}}).
   */
  private JsonNode convert(ObjectNode manifest, String name) throws Exception {
    QueueDaemon d = pipeline.daemon();
    Path result = pipeline.output().resolve(TestGuest.vmName("bios") + ".result.json");
    Path error = pipeline.output().resolve(TestGuest.vmName("bios") + ".error");
    Files.deleteIfExists(result);
    Files.deleteIfExists(error);
    QueueDaemon.submitText(pipeline.watch(), name + ".json",
        JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
    await("the daemon's result for " + name).atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofSeconds(2))
        .failFast(() -> !d.isAlive()).until(() -> Files.isRegularFile(result) || Files.isRegularFile(error));
    if (Files.isRegularFile(result)) {
      return JSON.readTree(Files.readString(result, StandardCharsets.UTF_8));
    }
    ObjectNode failed = JSON.createObjectNode().put("status", "failed");
    return failed.put("error", Files.readAllLines(error, StandardCharsets.UTF_8).get(0));
  }
}
