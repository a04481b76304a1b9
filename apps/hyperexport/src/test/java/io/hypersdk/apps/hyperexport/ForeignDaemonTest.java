package io.hypersdk.apps.hyperexport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypersdk.testing.SystemctlStandIn;
import io.hypersdk.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Another hyper2kvm daemon, one that keeps no job records and writes no heartbeat: only {@code VM.qcow2}
 * appearing tells the exporter the job is done, so stale outputs of the same VM must not be taken for it.
 */
class ForeignDaemonTest extends EndToEndTest {

  /** What the stand-in daemon saw and did. */
  record Foreign(String manifestName, boolean exporterStillRunning, long publishedAtNanos) {}

  @Test
  void onlyANewStableQcow2CompletesTheJobAndStaleOnesAreIgnored() throws Exception {
    SystemctlStandIn log = SystemctlStandIn.install(bin()).answerAll("active", 0);
    Queue q = queue("q");
    Path qcow2 = q.output().resolve("web01.qcow2");
    Path staleError = q.output().resolve("web01.error");
    Tools.run(List.of("qemu-img", "convert", "-f", "raw", "-O", "qcow2", vm.dbRaw().toString(), qcow2.toString()));
    Files.writeString(staleError, "an old failure\n", StandardCharsets.UTF_8);
    FileTime hourAgo = FileTime.from(Instant.now().minusSeconds(3600));
    Files.setLastModifiedTime(qcow2, hourAgo);
    Files.setLastModifiedTime(staleError, hourAgo);

    Running exporter = tools.startHyperexport("--provider", "local", "--vm", vm.ova().toString(), "--output",
        work.resolve("export").toString(), "--pipeline", "--no-fix", "--hyper2kvm-daemon", "--hyper2kvm-watch-dir",
        q.watch().toString(), "--hyper2kvm-output-dir", q.output().toString(), "--hyper2kvm-poll-interval", "0.2",
        "--json");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      CompletableFuture<Foreign> foreign = CompletableFuture.supplyAsync(() -> foreignDaemon(q, exporter), pool);
      Result r = exporter.await(Launcher.RUN_TIMEOUT);
      long exitedAt = System.nanoTime();
      Foreign f = foreign.get(60, TimeUnit.SECONDS);

      assertThat(f.exporterStillRunning()).as("hyperexport must not finish on the stale files: %s", r).isTrue();
      assertThat(r.exit()).as("%s", r).isZero();
      assertThat((exitedAt - f.publishedAtNanos()) / 1_000_000)
          .as("the qcow2 counts after one poll interval without change").isGreaterThanOrEqualTo(200);
      JsonNode p = r.json().path("pipeline");
      assertThat(p.path("execution").path("mode").asText()).isEqualTo("daemon");
      assertThat(p.path("execution").path("reason").asText()).contains("systemctl");
      assertThat(p.path("outputs")).extracting(JsonNode::asText).containsExactly(qcow2.toString());
      assertThat(p.path("job_state").asText()).isEqualTo("completed");
      assertThat(p.path("durations_ms").path("await").asLong()).isGreaterThanOrEqualTo(2000);
      assertThat(f.manifestName()).isEqualTo("web01." + r.json().path("job_id").asText() + ".json");
      assertThat(Tools.sameContent(vm.webBootRaw(), qcow2)).isTrue();
      assertThat(q.watch().resolve(".heartbeat")).doesNotExist();
      assertThat(q.output().resolve(".jobs")).doesNotExist();
      assertThat(log.calls()).containsExactly("is-active hyper2kvm.service",
          "show hyper2kvm.service --property=PrivateTmp,ProtectHome");
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aQcow2WrittenInPlaceWithAPauseIsTakenOnlyWhenCompleteAndThenDefined() throws Exception {
    Tools.require("virsh", "libvirt-clients");
    SystemctlStandIn.install(bin()).answerAll("active", 0);
    Queue q = queue("q");
    Path markers = dir("markers");
    Process daemon = fixtureDaemon("header-pause", q, markers);
    try {
      Result r = tools.hyperexport("--provider", "local", "--vm", vm.ova().toString(), "--output",
          work.resolve("export").toString(), "--pipeline", "--no-fix", "--hyper2kvm-daemon", "--hyper2kvm-watch-dir",
          q.watch().toString(), "--hyper2kvm-output-dir", q.output().toString(), "--hyper2kvm-poll-interval", "0.2",
          "--libvirt", "--libvirt-uri", "test:///default", "--json");
      boolean completeAtExit = Files.exists(markers.resolve("complete"));

      assertThat(r.exit()).as("%s", r).isZero();
      assertThat(completeAtExit).as("the daemon had written the whole qcow2 when hyperexport took it").isTrue();
      assertThat(r.stderr()).contains("waiting: qemu-img check finds errors in the qcow2");
      JsonNode p = r.json().path("pipeline");
      assertThat(p.path("libvirt_defined").asBoolean()).isTrue();
      assertThat(Tools.sameContent(vm.webBootRaw(), q.output().resolve("web01.qcow2"))).isTrue();
    } finally {
      daemon.destroyForcibly();
    }
  }

  @Test
  void aTruncatedQcow2FollowedByAnErrorIsAFailureAndNoDomainIsDefined() throws Exception {
    Tools.require("virsh", "libvirt-clients");
    SystemctlStandIn.install(bin()).answerAll("active", 0);
    Queue q = queue("q");
    Process daemon = fixtureDaemon("truncated", q, dir("markers"));
    try {
      Result r = tools.hyperexport("--provider", "local", "--vm", vm.ova().toString(), "--output",
          work.resolve("export").toString(), "--pipeline", "--no-fix", "--hyper2kvm-daemon", "--hyper2kvm-watch-dir",
          q.watch().toString(), "--hyper2kvm-output-dir", q.output().toString(), "--hyper2kvm-poll-interval", "0.2",
          "--libvirt", "--libvirt-uri", "test:///default", "--json");

      assertThat(r.exit()).as("%s", r).isEqualTo(5);
      assertThat(r.stderr()).contains("waiting: qemu-img check finds errors in the qcow2")
          .doesNotContain("defined libvirt domain");
      JsonNode p = r.json().path("pipeline");
      assertThat(p.path("success").asBoolean(true)).isFalse();
      assertThat(p.path("job_state").asText()).isEqualTo("failed");
      assertThat(p.path("error").asText()).endsWith(": conversion failed: no space left on device");
      assertThat(p.path("libvirt_defined").asBoolean(true)).isFalse();
      assertNoStackTrace(r);
    } finally {
      daemon.destroyForcibly();
    }
  }

  /** The pipeline module's foreign daemon script (a real process), converting the manifest's first disk. */
  private Process fixtureDaemon(String mode, Queue q, Path markers) throws java.io.IOException {
    Path script = Path.of("../../pipeline/src/test/resources/foreign-hyper2kvm.sh").toAbsolutePath().normalize();
    assertThat(script).as("the foreign daemon fixture").isRegularFile();
    return new ProcessBuilder("bash", script.toString(), mode, q.watch().toString(), q.output().toString(), "-",
        "1.5", markers.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(work.resolve("daemon.err").toFile()).start();
  }

  /**
   * The stand-in daemon: waits for a manifest, claims it, and about 2 s later publishes the converted boot
   * disk by temp file and rename, the way hyper2kvm does.
   */
  private static Foreign foreignDaemon(Queue q, Running exporter) {
    try {
      Path manifest = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (manifest == null) {
        if (System.nanoTime() > deadline || !exporter.process().isAlive()) {
          throw new AssertionError("no manifest was submitted to " + q.watch() + "\n" + exporter.stderr());
        }
        List<String> pending = pendingManifests(q.watch());
        if (!pending.isEmpty()) {
          manifest = q.watch().resolve(pending.get(0));
        } else {
          Thread.sleep(50);
        }
      }
      Path claimed = Files.createDirectories(q.watch().resolve(".foreign-work")).resolve(manifest.getFileName());
      Files.move(manifest, claimed, StandardCopyOption.ATOMIC_MOVE);
      JsonNode m = new ObjectMapper().readTree(claimed.toFile());
      String bootDisk = m.path("disks").get(0).path("local_path").asText();
      Path temp = q.output().resolve(".web01.qcow2.partial");
      Tools.run(List.of("qemu-img", "convert", "-f", "vmdk", "-O", "qcow2", bootDisk, temp.toString()));
      Thread.sleep(2000);
      boolean running = exporter.process().isAlive();
      long at = System.nanoTime();
      Files.move(temp, q.output().resolve("web01.qcow2"), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      return new Foreign(manifest.getFileName().toString(), running, at);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
