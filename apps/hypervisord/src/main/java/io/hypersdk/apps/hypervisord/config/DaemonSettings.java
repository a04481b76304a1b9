package io.hypersdk.apps.hypervisord.config;

import io.hypersdk.jobs.connections.Connections;
import java.nio.file.Path;
import java.util.List;

/**
 * hypervisord's settings after the config file and the flags are combined. {@code apiTokenFile} null means
 * the token comes from the environment or is generated into the data dir; {@code connections} are the named
 * provider connections of the config file, already checked against each provider's settings.
 */
public record DaemonSettings(
    String listenHost,
    int listenPort,
    Path dataDir,
    int maxConcurrentJobs,
    Path apiTokenFile,
    long maxBodyBytes,
    List<Path> outputRoots,
    Path hyper2kvmConfigDir,
    Connections connections) {

  public static final String DEFAULT_LISTEN = "127.0.0.1:8080";
  public static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/hypervisord");
  public static final int DEFAULT_MAX_CONCURRENT = 2;
  public static final long DEFAULT_MAX_BODY = 1L << 20;

  public DaemonSettings {
    outputRoots = List.copyOf(outputRoots);
  }

  public Path databaseFile() {
    return dataDir.resolve("hypervisord.db");
  }

  public Path generatedTokenFile() {
    return dataDir.resolve("api-token");
  }
}
