package io.hypersdk.apps.hyperconvert.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.convert.daemon.DaemonIdentity;
import io.hypersdk.manifest.HyperSdkVersion;
import io.hypersdk.queue.Heartbeat;
import io.hypersdk.queue.JobState;
import io.hypersdk.queue.QueueCounts;
import io.hypersdk.queue.QueueFiles;
import io.hypersdk.testing.QueueDaemon;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's liveness file, .heartbeat/OWNER.json: who it is, that it is alive, and the queue's counts. */
class DaemonHeartbeatTest {
  @TempDir
  Path tmp;

  @Test
  void theHeartbeatNamesTheDaemonAdvancesCountsTheQueueAndSaysStoppedAfterSigterm() throws IOException {
    TestQueue q = new TestQueue(tmp);
    Path disk = q.disk("hb", 4, 81);

    try (QueueDaemon d = q.start("beat", Map.of("max_concurrent", 3))) {
      Heartbeat first = d.awaitHeartbeat();
      String host = DaemonIdentity.current("beat", HyperSdkVersion.get()).host();
      assertThat(q.layout.heartbeatFile(d.owner())).isEqualTo(q.watchDir.resolve(".heartbeat/" + host + "-beat.json"));
      assertThat(QueueFiles.readHeartbeats(q.watchDir)).singleElement()
          .satisfies(h -> assertThat(h.owner()).isEqualTo(first.owner()))
          .satisfies(h -> assertThat(h.pid()).isEqualTo(d.pid()));
      assertThat(first.owner()).isEqualTo(host + "-beat");
      assertThat(first.instance()).isEqualTo("beat");
      assertThat(first.host()).isEqualTo(host).isNotBlank();
      assertThat(first.pid()).isEqualTo(d.pid());
      assertThat(first.version()).isEqualTo(HyperSdkVersion.get()).isNotBlank().isNotEqualTo("unknown");
      assertThat(first.state()).isEqualTo(Heartbeat.RUNNING);
      assertThat(first.intervalSeconds()).isEqualTo(1);
      assertThat(first.maxConcurrent()).isEqualTo(3);
      assertThat(Path.of(first.watchDir())).isEqualTo(q.watchDir);
      assertThat(Path.of(first.outputDir())).isEqualTo(q.outputDir);
      assertThat(first.queue()).isEqualTo(new QueueCounts(0, 0, 0, 0));
      assertThat(first.runningJobs()).isEmpty();
      Instant startedAt = Instant.parse(first.startedAt());
      assertThat(Instant.parse(first.updatedAt())).isAfterOrEqualTo(startedAt);
      assertThat(first.isFresh(Instant.now())).isTrue();

      // It is rewritten every heartbeat_seconds: updated_at moves on, started_at stays.
      AtomicReference<Heartbeat> later = new AtomicReference<>();
      QueueDaemon.await("the heartbeat is rewritten", QueueDaemon.TIMEOUT, () -> {
        Heartbeat h = d.heartbeat().orElseThrow();
        later.set(h);
        return Instant.parse(h.updatedAt()).isAfter(Instant.parse(first.updatedAt()).plusMillis(900));
      }, d);
      assertThat(later.get().startedAt()).isEqualTo(first.startedAt());
      assertThat(later.get().pid()).isEqualTo(d.pid());

      // The queue counts follow the queue: one processed, one failed, one pending that is not a manifest.
      Files.writeString(q.watchDir.resolve("notes.txt"), "not a manifest");
      q.submit(TestQueue.manifest("hb-ok", "job-hb-ok", disk), "hb-ok.json");
      q.submit(TestQueue.manifest("hb-bad", "job-hb-bad", disk).toBuilder().manifestVersion("0.9").build(),
          "hb-bad.json");
      q.awaitRecord("job-hb-ok", JobState.COMPLETED, d);
      q.awaitRecord("job-hb-bad", JobState.FAILED, d);
      QueueDaemon.await("the heartbeat counts 1 processed and 1 failed", QueueDaemon.TIMEOUT,
          () -> d.heartbeat().orElseThrow().queue().equals(new QueueCounts(0, 0, 1, 1)), d);
      Heartbeat counted = d.heartbeat().orElseThrow();
      assertThat(counted.runningJobs()).isEmpty();
      assertThat(counted.state()).isEqualTo(Heartbeat.RUNNING);
      Instant lastRunning = Instant.parse(counted.updatedAt());

      assertThat(d.term()).isZero();

      Heartbeat stopped = d.heartbeat().orElseThrow();
      assertThat(stopped.state()).isEqualTo(Heartbeat.STOPPED);
      assertThat(stopped.pid()).isEqualTo(d.pid());
      assertThat(stopped.startedAt()).isEqualTo(first.startedAt());
      assertThat(Instant.parse(stopped.updatedAt())).isAfterOrEqualTo(lastRunning);
      assertThat(stopped.queue()).isEqualTo(new QueueCounts(0, 0, 1, 1));
      assertThat(stopped.isFresh(Instant.now())).as("a stopped daemon is not alive").isFalse();
      // Nothing rewrites it once the daemon is gone.
      QueueDaemon.holds("the stopped heartbeat stays as it is", Duration.ofMillis(2500),
          () -> d.heartbeat().orElseThrow().equals(stopped));
    }
  }
}
