package io.hypersdk.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class HeartbeatTest {
  private static final Instant UPDATED = Instant.parse("2026-01-31T12:00:00Z");

  private static Heartbeat beat(String state, int intervalSeconds) {
    return new Heartbeat("host-a", "a", "host", 42, "0.1.0", state, "2026-01-31T11:00:00Z", UPDATED.toString(),
        intervalSeconds, "/q", "/out", 2, new QueueCounts(1, 0, 3, 0), List.of("job-1"));
  }

  /** Fresh means running and at most three intervals old, never less than ten seconds. */
  @ParameterizedTest(name = "interval {0}s, {1}s old -> fresh={2}")
  @CsvSource({
      "5, 0, true",
      "5, 15, true",
      "5, 16, false",
      "1, 10, true",
      "1, 11, false",
      "0, 10, true",
      "0, 11, false",
      "-3, 10, true",
      "30, 90, true",
      "30, 91, false",
      "5, -2, true"})
  void freshnessDependsOnTheInterval(int interval, long ageSeconds, boolean fresh) {
    Heartbeat b = beat(Heartbeat.RUNNING, interval);
    Instant now = UPDATED.plusSeconds(ageSeconds);
    assertThat(b.age(now)).isEqualTo(Duration.ofSeconds(ageSeconds));
    assertThat(b.isFresh(now)).isEqualTo(fresh);
  }

  @ParameterizedTest
  @CsvSource({"stopping", "stopped", "starting", "RUNNING"})
  void onlyARunningDaemonIsFresh(String state) {
    assertThat(beat(state, 5).isFresh(UPDATED)).isFalse();
    assertThat(beat(Heartbeat.RUNNING, 5).isFresh(UPDATED)).isTrue();
  }

  @Test
  void runningJobsAreNeverNull() {
    Heartbeat b = new Heartbeat("o", "i", "h", 1, "v", Heartbeat.RUNNING, null, UPDATED.toString(), 5, "/q",
        "/o", 1, null, null);
    assertThat(b.runningJobs()).isEmpty();
  }
}
