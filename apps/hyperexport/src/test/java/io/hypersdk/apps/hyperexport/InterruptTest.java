package io.hypersdk.apps.hyperexport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hypersdk.testing.ConverterStandIn;
import io.hypersdk.testing.SystemctlStandIn;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ctrl-C (SIGINT), and SIGTERM as service managers and {@code Process.destroy()} send it: whatever
 * hyperexport is doing, it stops promptly, cleans up, says "interrupted" and exits 130.
 */
class InterruptTest extends EndToEndTest {

  @ParameterizedTest
  @ValueSource(strings = {"INT", "TERM"})
  void aSignalWhileWaitingForTheDaemonWithdrawsTheManifest(String signal) {
    SystemctlStandIn.install(bin()).answerAll("active", 0);
    Queue q = queue("q");
    Running exporter = tools.startHyperexport("--provider", "local", "--vm", vm.ova().toString(), "--output",
        work.resolve("export").toString(), "--pipeline", "--no-fix", "--hyper2kvm-daemon", "--hyper2kvm-watch-dir",
        q.watch().toString(), "--hyper2kvm-output-dir", q.output().toString(), "--hyper2kvm-poll-interval", "0.2");

    await("the manifest in " + q.watch()).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
        .failFast("hyperexport ended early", () -> !exporter.process().isAlive())
        .until(() -> pendingManifests(q.watch()).stream().anyMatch(n -> n.startsWith("web01.")));
    exporter.signal(signal);
    Result r = exporter.await(Duration.ofSeconds(30));

    assertThat(r.exit()).as("%s", r).isEqualTo(130);
    assertThat(r.stderrLines()).anySatisfy(l -> assertThat(l).startsWith("warning: interrupted while waiting for "
        + "the daemon").contains("withdrawn"));
    assertThat(errorLines(r)).containsExactly("hyperexport: interrupted");
    assertThat(pendingManifests(q.watch())).isEmpty();
    assertThat(names(q.watch())).noneMatch(n -> n.contains("withdrawn"));
    assertNoStackTrace(r);
  }

  @Test
  void aSignalDuringTheExportStopsIt() throws Exception {
    // A sparse 4 GiB disk: nothing to store, but seconds to copy, so the signal lands mid-copy.
    Path huge = dir("big").resolve("huge.raw");
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(4L << 30);
    }
    Path out = work.resolve("export");
    Running exporter = tools.startHyperexport("--provider", "local", "--vm", huge.toString(), "--output",
        out.toString(), "--pipeline", "--no-fix");

    await("the copy to start in " + out).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
        .failFast("hyperexport ended early", () -> !exporter.process().isAlive())
        .until(() -> names(out).stream().anyMatch(n -> n.startsWith(".huge.raw.")));
    exporter.signal("INT");
    Result r = exporter.await(Duration.ofSeconds(30));

    assertThat(r.exit()).as("an interrupted export is no failed export: %s", r).isEqualTo(130);
    assertThat(errorLines(r)).as("%s", r).containsExactly("hyperexport: interrupted");
    assertThat(names(out)).as("no partial disk, no manifest").isEmpty();
    assertNoStackTrace(r);
  }

  @Test
  void aSignalWhileTheConverterRunsStopsTheConverter() throws Exception {
    // A converter that would run for minutes, through a child process, as real converters do.
    Path pidFile = work.resolve("converter.pid");
    Path converter = ConverterStandIn.slow(work, pidFile);
    Running exporter = tools.startHyperexport("--provider", "local", "--vm", vm.dbVmdk().toString(), "--output",
        work.resolve("export").toString(), "--pipeline", "--no-fix", "--hyper2kvm-path", converter.toString());
    long sleepPid = -1;
    try {
      await("the converter to start").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
          .failFast("hyperexport ended early", () -> !exporter.process().isAlive())
          .until(() -> Files.exists(pidFile) && exporter.stderr().contains("Stage convert: started"));
      sleepPid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).strip());
      exporter.signal("TERM");
      Result r = exporter.await(Duration.ofSeconds(30));

      assertThat(r.exit()).as("%s", r).isEqualTo(130);
      assertThat(r.waitedMs()).as("stopped at once, not when the converter ended").isLessThan(20_000);
      assertThat(errorLines(r)).containsExactly("hyperexport: interrupted");
      long pid = sleepPid;
      await("the converter's child to be stopped").atMost(Duration.ofSeconds(10))
          .until(() -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == false);
      assertNoStackTrace(r);
    } finally {
      if (sleepPid > 0) {
        Optional<ProcessHandle> left = ProcessHandle.of(sleepPid);
        left.ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }
}
