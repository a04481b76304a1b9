package io.hypersdk.apps.hyperconvert.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.queue.Heartbeat;
import io.hypersdk.queue.JobState;
import io.hypersdk.testing.QueueDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the daemon refuses at start-up: a second daemon with the same identity, and bad configuration. */
class DaemonStartupTest {
  @TempDir
  Path tmp;

  @Test
  void aSecondDaemonWithTheSameInstanceOnTheSameQueueRefusesToStartWhileTheFirstRuns() {
    TestQueue q = new TestQueue(tmp);
    try (QueueDaemon first = q.start("solo"); QueueDaemon second = launchAfter(first, q)) {
      int code = second.awaitExit(QueueDaemon.TIMEOUT);

      assertThat(code).as("exit code of the second daemon\n%s", second.logSection()).isEqualTo(6);
      List<String> lines = nonBlankLines(second.log());
      assertThat(lines).as("what the second daemon printed").hasSize(1);
      assertThat(lines.get(0)).startsWith("hyperconvert daemon: ").contains(first.owner())
          .contains("already serving this queue");

      // The first one is unaffected: still alive, still the heartbeat's writer, still converting.
      assertThat(first.isAlive()).isTrue();
      Heartbeat beat = first.heartbeat().orElseThrow();
      assertThat(beat.pid()).isEqualTo(first.pid());
      assertThat(beat.state()).isEqualTo(Heartbeat.RUNNING);
      q.submit(TestQueue.manifest("solo-vm", "job-solo", q.disk("solo", 4, 7)), "solo-vm.json");
      assertThat(q.awaitRecord("job-solo", JobState.COMPLETED, first).daemon()).isEqualTo(first.owner());
      assertThat(first.term()).isZero();
    }
  }

  private static QueueDaemon launchAfter(QueueDaemon first, TestQueue q) {
    first.awaitHeartbeat();
    return q.start("solo");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      max_concurent: 2                |  max_concurent
      max_concurrent: 0               |  max_concurrent
      max_concurrent: two             |  max_concurrent
      heartbeat_seconds: soon         |  heartbeat_seconds
      rescan_seconds: -3              |  rescan_seconds
      stop_timeout_seconds: 0         |  stop_timeout_seconds
      compress: maybe                 |  compress
      compress_level: 12              |  compress_level
      out_format: vmdk                |  out_format
      watch_dir: relative/queue       |  watch_dir
      output_dir: relative/output     |  output_dir
      """)
  void aConfigErrorExits78WithOneLineNamingTheKey(String badLine, String key) throws Exception {
    TestQueue q = new TestQueue(tmp);
    String badKey = badLine.substring(0, badLine.indexOf(':'));
    Map<String, Object> settings = new LinkedHashMap<>(q.defaults());
    settings.remove(badKey);
    Path config = TestQueue.writeYaml(tmp.resolve("bad.yaml"), settings);
    Files.writeString(config, Files.readString(config) + badLine + "\n");

    try (QueueDaemon d = QueueDaemon.run(List.of("daemon", "--config", config.toString(), "--instance", "cfg"),
        q.logs)) {
      int code = d.awaitExit(QueueDaemon.TIMEOUT);

      assertThat(code).as("exit code\n%s", d.logSection()).isEqualTo(78);
      List<String> lines = nonBlankLines(d.log());
      assertThat(lines).as("what the daemon printed for '%s'", badLine).hasSize(1);
      assertThat(lines.get(0)).startsWith("hyperconvert daemon: ").contains(key);
      // It stopped before touching the queue.
      assertThat(q.watchDir).doesNotExist();
      assertThat(q.outputDir).doesNotExist();
    }
  }

  @Test
  void aMissingConfigFileGivenWithConfigExits78() {
    TestQueue q = new TestQueue(tmp);
    Path missing = tmp.resolve("nowhere.yaml");
    try (QueueDaemon d = QueueDaemon.run(List.of("daemon", "--config", missing.toString()),
        q.logs)) {
      assertThat(d.awaitExit(QueueDaemon.TIMEOUT)).isEqualTo(78);
      assertThat(nonBlankLines(d.log())).singleElement().asString().contains(missing.toString())
          .contains("does not exist");
    }
  }

  static List<String> nonBlankLines(String text) {
    return text.lines().filter(l -> !l.isBlank()).toList();
  }
}
