package io.hypersdk.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.ManifestIO;
import io.hypersdk.pipeline.PipelineException;
import io.hypersdk.queue.QueueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubmitManifestStepTest {
  @TempDir
  Path root;

  @Test
  void theManifestIsQueuedUnderAJobUniqueNameWithNothingElseLeft() throws Exception {
    QueueLayout q = Fixtures.queue(root);
    ArtifactManifest m = Fixtures.manifest("Web Server 01", "web-20260131-abc123");

    SubmitManifestStep.Submission s = new SubmitManifestStep().run(m, q);

    assertThat(s.queued()).isEqualTo(q.watchDir().resolve("Web_Server_01.web-20260131-abc123.json"));
    assertThat(s.vmStem()).isEqualTo("Web_Server_01");
    assertThat(s.jobId()).isEqualTo("web-20260131-abc123");
    try (Stream<Path> files = Files.list(q.watchDir())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly(s.queued().getFileName().toString());
    }
    assertThat(ManifestIO.read(s.queued()).jobId()).isEqualTo("web-20260131-abc123");
    assertThat(s.qcow2Before().exists()).isFalse();
    assertThat(s.errorBefore().exists()).isFalse();
  }

  @Test
  void theVmsExistingOutputsAreNotedBeforeSubmission() throws Exception {
    QueueLayout q = Fixtures.queue(root);
    Files.writeString(q.outputDir().resolve("web01.qcow2"), "stale disk");
    Files.writeString(q.outputDir().resolve("web01.error"), "stale failure\n");

    SubmitManifestStep.Submission s = new SubmitManifestStep().run(Fixtures.manifest("web01", "job-1"), q);

    assertThat(s.qcow2Before().exists()).isTrue();
    assertThat(s.qcow2Before().size()).isEqualTo("stale disk".length());
    assertThat(s.errorBefore().exists()).isTrue();
  }

  @Test
  void theSameJobCannotBeQueuedTwice() throws Exception {
    QueueLayout q = Fixtures.queue(root);
    new SubmitManifestStep().run(Fixtures.manifest("web01", "job-1"), q);
    assertThatThrownBy(() -> new SubmitManifestStep().run(Fixtures.manifest("web01", "job-1"), q))
        .isInstanceOf(PipelineException.class).hasMessageContaining("already queued");
  }

  @Test
  void missingFoldersAreNamed() {
    QueueLayout missingWatch = new QueueLayout(root.resolve("nope"), root);
    assertThatThrownBy(() -> new SubmitManifestStep().run(Fixtures.manifest("web01", "job-1"), missingWatch))
        .isInstanceOf(PipelineException.class)
        .hasMessage("watch dir " + root.resolve("nope") + " does not exist; create it or start the daemon that owns it");
    QueueLayout missingOutput = new QueueLayout(root, root.resolve("gone"));
    assertThatThrownBy(() -> new SubmitManifestStep().run(Fixtures.manifest("web01", "job-1"), missingOutput))
        .isInstanceOf(PipelineException.class).hasMessageStartingWith("output dir " + root.resolve("gone"));
  }

  @Test
  void aManifestWithoutUsableJobIdOrVmNameIsRefused() {
    QueueLayout q = Fixtures.queue(root);
    assertThatThrownBy(() -> new SubmitManifestStep().run(Fixtures.manifest("web01", "../evil"), q))
        .isInstanceOf(PipelineException.class).hasMessageContaining("job_id");
    assertThatThrownBy(() -> new SubmitManifestStep().run(Fixtures.manifest("../web01", "job-1"), q))
        .isInstanceOf(PipelineException.class).hasMessageContaining("vm_name");
    assertThat(q.watchDir().toFile().list()).isEmpty();
  }
}
