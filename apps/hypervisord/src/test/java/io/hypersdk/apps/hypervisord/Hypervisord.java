package io.hypersdk.apps.hypervisord;

import static org.awaitility.Awaitility.await;

import io.hypersdk.testing.JavaProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** hypervisord as a real process on a free loopback port, with its generated token. */
public final class Hypervisord implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
  public final JavaProcess process;
  public final int port;
  public final String token;

  private Hypervisord(JavaProcess process, int port, String token) {
    this.process = process;
    this.port = port;
    this.token = token;
  }

  /**
   * Starts {@code hypervisord --listen 127.0.0.1:0 --data-dir DATA EXTRA...} and waits until it serves.
   * {@code pathFirst} holds stand-in commands (systemctl); {@code configDir} is HYPER2KVM_CONFIG_DIR.
   */
  public static Hypervisord start(Path work, Path data, Path configDir, Path pathFirst, String... extra) throws Exception {
    return start(work, data, configDir, pathFirst, Map.of(), extra);
  }

  /** As {@link #start(Path, Path, Path, Path, String...)}, with {@code env} added to the daemon's environment. */
  public static Hypervisord start(Path work, Path data, Path configDir, Path pathFirst, Map<String, String> env,
      String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:0", "--data-dir", data.toString()));
    args.addAll(List.of(extra));
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("HYPER2KVM_CONFIG_DIR", configDir.toString());
    JavaProcess p = JavaProcess.start(work.resolve("logs"), "hypervisord", "io.hypersdk.apps.hypervisord.HyperVisord",
        args, all, pathFirst);
    int[] port = {0};
    await("hypervisord to listen").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .failFast("hypervisord exited: " + p.stdout() + p.stderr(), () -> !p.isAlive())
        .until(() -> {
          Matcher m = LISTENING.matcher(p.stdout());
          if (m.find()) {
            port[0] = Integer.parseInt(m.group(1));
            return true;
          }
          return false;
        });
    String token = Files.readString(data.resolve("api-token"), StandardCharsets.UTF_8).strip();
    return new Hypervisord(p, port[0], token);
  }

  public Api api() {
    return new Api(port, token);
  }

  /** Everything the process printed. */
  public String output() {
    return process.stdout() + process.stderr();
  }

  @Override
  public void close() {
    process.close();
  }
}
