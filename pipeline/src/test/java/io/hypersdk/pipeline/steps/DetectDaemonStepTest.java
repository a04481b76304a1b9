package io.hypersdk.pipeline.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.pipeline.ExecutionMode;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.queue.Heartbeat;
import io.hypersdk.queue.QueueFiles;
import io.hypersdk.queue.QueueLayout;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which heartbeat counts as a live daemon (the systemd branch is tested end to end with a stand-in). */
class DetectDaemonStepTest {
  @TempDir
  Path root;
  QueueLayout q;

  @BeforeEach
  void queue() {
    q = Fixtures.queue(root);
  }

  private void beat(String instance, String state, Instant updated, int interval) throws Exception {
    String owner = "host1-" + instance;
    QueueFiles.writeJson(q.heartbeatFile(owner), new Heartbeat(owner, instance, "host1", 42, "test", state,
        updated.minusSeconds(60).toString(), updated.toString(), interval, q.watchDir().toString(),
        q.outputDir().toString(), 2, null, null));
  }

  @Test
  void noHeartbeatNoDaemon() {
    assertThat(DetectDaemonStep.freshHeartbeat(q.watchDir(), null)).isEmpty();
  }

  @Test
  void aRecentHeartbeatOfARunningDaemonCounts() throws Exception {
    beat("default", Heartbeat.RUNNING, Instant.now().minusSeconds(1), 2);
    assertThat(DetectDaemonStep.freshHeartbeat(q.watchDir(), null)).map(Heartbeat::owner)
        .contains("host1-default");
  }

  @Test
  void oldOrStoppedHeartbeatsDoNotCount() throws Exception {
    beat("old", Heartbeat.RUNNING, Instant.now().minusSeconds(60), 2);
    beat("stopped", Heartbeat.STOPPED, Instant.now(), 2);
    assertThat(DetectDaemonStep.freshHeartbeat(q.watchDir(), null)).isEmpty();
  }

  @Test
  void aSlowPeriodStretchesFreshness() throws Exception {
    // Three periods of 20 s: a 45 s old heartbeat is still alive.
    beat("slow", Heartbeat.RUNNING, Instant.now().minusSeconds(45), 20);
    assertThat(DetectDaemonStep.freshHeartbeat(q.watchDir(), null)).isPresent();
  }

  @Test
  void theRequestedInstanceIsPreferredOverAFresherOne() throws Exception {
    beat("prod", Heartbeat.RUNNING, Instant.now().minusSeconds(5), 2);
    beat("test", Heartbeat.RUNNING, Instant.now(), 2);
    Optional<Heartbeat> chosen = DetectDaemonStep.freshHeartbeat(q.watchDir(), "prod");
    assertThat(chosen).map(Heartbeat::instance).contains("prod");
    assertThat(DetectDaemonStep.freshHeartbeat(q.watchDir(), null)).map(Heartbeat::instance).contains("test");
  }

  @Test
  void daemonModeNotRequestedIsDirectWithoutAsking() throws Exception {
    ExecutionMode m = new DetectDaemonStep().run(PipelineOptions.builder().build(), q);
    assertThat(m.isDaemon()).isFalse();
    assertThat(m.reason()).isEqualTo("daemon mode not requested");
  }
}
