package io.hypersdk.apps.hyperconvert.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.manifest.ManifestIO;
import io.hypersdk.queue.JobRecord;
import io.hypersdk.queue.JobState;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files the daemon takes from the watch dir: top-level *.json and *.yaml, also those there before it starts. */
class DaemonPickupTest {
  @TempDir
  Path tmp;

  @Test
  void takesJsonAndYamlManifestsAtTheTopLevelIncludingThoseThereAtStartUpAndLeavesEverythingElseAlone()
      throws IOException {
    Tools.require("qemu-img", "qemu-utils");
    TestQueue q = new TestQueue(tmp);
    Files.createDirectories(q.watchDir);
    Path preDisk = q.disk("pick-pre", 4, 1);
    Path jsonDisk = q.disk("pick-json", 5, 2);
    Path yamlDisk = q.disk("pick-yaml", 6, 3);
    Path otherDisk = q.disk("pick-other", 4, 4);

    // Waiting before the daemon starts.
    q.submit(TestQueue.manifest("pick-pre", "job-pick-pre", preDisk), "pick-pre.json");

    // Valid manifests under names the daemon must not take; each would produce outputs if it did.
    Map<Path, byte[]> ignored = new LinkedHashMap<>();
    Path sub = Files.createDirectories(q.watchDir.resolve("sub"));
    for (String name : new String[] {".pick-hidden.json", "pick-temp.json.tmp", "pick-writing.tmp", "pick-text.txt",
        "pick-domain.xml", "pick-noext"}) {
      String vm = name.replaceAll("^\\.", "").replaceAll("\\..*$", "");
      ignored.put(q.watchDir.resolve(name), ManifestIO.toJson(TestQueue.manifest(vm, "job-" + vm, otherDisk))
          .getBytes(StandardCharsets.UTF_8));
    }
    ignored.put(sub.resolve("pick-sub.json"), ManifestIO.toJson(TestQueue.manifest("pick-sub", "job-pick-sub",
        otherDisk)).getBytes(StandardCharsets.UTF_8));
    Map<Path, FileTime> mtimes = new LinkedHashMap<>();
    for (var e : ignored.entrySet()) {
      Files.write(e.getKey(), e.getValue());
      mtimes.put(e.getKey(), Files.getLastModifiedTime(e.getKey()));
    }

    try (QueueDaemon d = q.start("pickup")) {
      d.awaitHeartbeat();
      JobRecord pre = q.awaitRecord("job-pick-pre", JobState.COMPLETED, d);
      assertThat(pre.manifest()).isEqualTo("pick-pre.json");

      q.submit(TestQueue.manifest("pick-json", "job-pick-json", jsonDisk), "pick-json.json");
      q.submit(TestQueue.manifest("pick-yaml", "job-pick-yaml", yamlDisk), "pick-yaml.yaml");
      assertThat(q.awaitRecord("job-pick-json", JobState.COMPLETED, d).manifest()).isEqualTo("pick-json.json");
      assertThat(q.awaitRecord("job-pick-yaml", JobState.COMPLETED, d).manifest()).isEqualTo("pick-yaml.yaml");

      // Several rescans (every second) and watch events later, the other files are still exactly as written.
      QueueDaemon.holds("the ignored files stay untouched", Duration.ofSeconds(3),
          () -> ignored.entrySet().stream().allMatch(e -> untouched(e.getKey(), e.getValue(), mtimes)), d);

      assertThat(q.processed()).containsExactly("pick-json.json", "pick-pre.json", "pick-yaml.yaml");
      assertThat(q.failed()).isEmpty();
      assertThat(q.processing()).isEmpty();
      assertThat(q.pending()).containsExactlyInAnyOrder("pick-temp.json.tmp", "pick-writing.tmp", "pick-text.txt",
          "pick-domain.xml", "pick-noext");
      assertThat(Files.exists(q.watchDir.resolve(".pick-hidden.json"))).isTrue();
      assertThat(q.records()).extracting(JobRecord::jobId)
          .containsExactlyInAnyOrder("job-pick-pre", "job-pick-json", "job-pick-yaml");
      for (String vm : new String[] {"pick-hidden", "pick-temp", "pick-writing", "pick-text", "pick-domain",
          "pick-noext", "pick-sub"}) {
        assertThat(q.outputsStartingWith(vm)).as("outputs of %s, which must not have been taken", vm).isEmpty();
      }
      assertThat(Tools.sameContent(preDisk, q.outputs("pick-pre").primaryDisk("qcow2"))).isTrue();
      assertThat(Tools.sameContent(jsonDisk, q.outputs("pick-json").primaryDisk("qcow2"))).isTrue();
      assertThat(Tools.sameContent(yamlDisk, q.outputs("pick-yaml").primaryDisk("qcow2"))).isTrue();

      assertThat(d.term()).isZero();
    }
  }

  private static boolean untouched(Path file, byte[] content, Map<Path, FileTime> mtimes) {
    try {
      return Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), content)
          && Files.getLastModifiedTime(file).equals(mtimes.get(file));
    } catch (IOException e) {
      return false;
    }
  }
}
