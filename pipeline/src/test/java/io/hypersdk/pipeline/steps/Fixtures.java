package io.hypersdk.pipeline.steps;

import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.Disk;
import io.hypersdk.manifest.Metadata;
import io.hypersdk.manifest.Source;
import io.hypersdk.manifest.VmSpec;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.queue.QueueLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Small manifests, queues and options for the pipeline's unit tests. */
final class Fixtures {
  private Fixtures() {}

  static ArtifactManifest manifest(String vmName, String jobId) {
    return ArtifactManifest.builder()
        .source(new Source("local", "vm-1", vmName, "DC0", "2026-01-31T12:00:00Z", "test"))
        .vm(new VmSpec(2, 1, "bios", false, "linux", "test"))
        .addDisk(Disk.builder().id("disk-0").sourceFormat("vmdk").bytes(1).localPath("/exports/" + vmName + ".vmdk")
            .checksum("sha256:" + "0".repeat(64)).bootOrderHint(0).diskType("boot").build())
        .metadata(new Metadata("test", jobId, "2026-01-31T12:00:00Z", null))
        .build();
  }

  /** A queue with both folders created. */
  static QueueLayout queue(Path root) {
    try {
      return new QueueLayout(Files.createDirectories(root.resolve("queue")),
          Files.createDirectories(root.resolve("output")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static PipelineOptions.Builder options(QueueLayout q, Path configDir) {
    return PipelineOptions.builder().daemonRequested(true).watchDir(q.watchDir()).outputDir(q.outputDir())
        .configDir(configDir).pollInterval(Duration.ofMillis(100)).daemonTimeout(Duration.ofSeconds(20));
  }
}
