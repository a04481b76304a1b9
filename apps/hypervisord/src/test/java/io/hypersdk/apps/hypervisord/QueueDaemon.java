package io.hypersdk.apps.hypervisord;

import io.hypersdk.convert.testing.JavaProcess;
import static org.awaitility.Awaitility.await;

import io.hypersdk.queue.Heartbeat;
import io.hypersdk.queue.QueueFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A real {@code hyperconvert daemon --instance NAME} serving a queue configured in CONFIG_DIR/NAME.yaml. */
public final class QueueDaemon {
  private QueueDaemon() {}

  public static void writeConfig(Path configDir, String instance, Path watch, Path output) throws Exception {
    Files.createDirectories(configDir);
    Files.writeString(configDir.resolve(instance + ".yaml"), "watch_dir: " + watch + "\n" + "output_dir: " + output
        + "\nheartbeat_seconds: 1\nrescan_seconds: 1\nmax_concurrent: 1\nstop_timeout_seconds: 10\n",
        StandardCharsets.UTF_8);
  }

  public static JavaProcess start(Path work, Path configDir, String instance, Path watch) throws Exception {
    JavaProcess p = JavaProcess.start(work.resolve("logs"), "hyperconvert-daemon",
        "io.hypersdk.apps.hyperconvert.HyperConvert", List.of("daemon", "--config", configDir.resolve(instance + ".yaml").toString(), "--instance", instance),
        Map.of("HYPER2KVM_CONFIG_DIR", configDir.toString()), null);
    await("the queue daemon's heartbeat").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .failFast("the queue daemon exited: " + p.stderr(), () -> !p.isAlive())
        .until(() -> QueueFiles.readHeartbeats(watch).stream()
            .anyMatch(h -> Heartbeat.RUNNING.equals(h.state()) && h.pid() == p.process().pid()));
    return p;
  }
}
