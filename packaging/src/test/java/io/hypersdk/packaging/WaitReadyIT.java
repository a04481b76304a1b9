package io.hypersdk.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hyper2kvm-wait-ready, the units' readiness check: ready means this very process's heartbeat says running. */
class WaitReadyIT {

  private static Tools.Outcome waitReady(long mainPid, Path config) {
    return Tools.exec(List.of("env", "MAINPID=" + mainPid,
        BuiltPackages.staged("/usr/lib/hypersdk/hyper2kvm-wait-ready").toString(), config.toString()));
  }

  @Test
  void returnsOnceTheDaemonItWaitsForServesItsQueue(@TempDir Path dir) throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    Path config = dir.resolve("ready.yaml");
    // Quoted, as the Ansible role writes it.
    Files.writeString(config, "watch_dir: \"" + dir.resolve("queue") + "\"\noutput_dir: " + dir.resolve("output")
        + "\nheartbeat_seconds: 1\n");
    Process daemon = new ProcessBuilder(BuiltPackages.stagedLauncher("hyperconvert", dir).toString(), "daemon",
        "--instance", "wait-ready-test", "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
    try {
      Tools.Outcome ready = waitReady(daemon.pid(), config);
      assertThat(ready.exitCode()).as(ready.output() + Files.readString(dir.resolve("log"))).isZero();
      try (var beats = Files.list(dir.resolve("queue/.heartbeat"))) {
        Path beat = beats.filter(p -> p.getFileName().toString().endsWith("-wait-ready-test.json")).findFirst()
            .orElseThrow();
        assertThat(Files.readString(beat)).containsPattern("\"pid\"\\s*:\\s*" + daemon.pid() + "\\b")
            .containsPattern("\"state\"\\s*:\\s*\"running\"");
      }
    } finally {
      daemon.destroy();
    }
    assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(daemon.exitValue()).isZero();
  }

  @Test
  void failsWhenTheProcessEndsWithoutServingEvenBesideAnotherDaemonsHeartbeat(@TempDir Path dir) throws Exception {
    Path queue = Files.createDirectories(dir.resolve("queue/.heartbeat"));
    Files.writeString(queue.resolve("otherhost-default.json"), "{\"pid\":1,\"state\":\"running\"}\n");
    Path config = dir.resolve("never.yaml");
    Files.writeString(config, "watch_dir: " + dir.resolve("queue") + "  # a comment\n");
    Process shortLived = new ProcessBuilder("sleep", "1").start();
    Tools.Outcome ready = waitReady(shortLived.pid(), config);
    assertThat(ready.exitCode()).isEqualTo(1);
    assertThat(ready.output()).contains("hyper2kvm-wait-ready: the daemon (pid " + shortLived.pid()
        + ") exited before serving " + dir.resolve("queue"));
  }
}
