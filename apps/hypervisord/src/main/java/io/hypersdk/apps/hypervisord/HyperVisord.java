package io.hypersdk.apps.hypervisord;

import io.hypersdk.apps.hyperconvert.HyperConvert;
import io.hypersdk.apps.hypervisord.config.ApiTokens;
import io.hypersdk.apps.hypervisord.config.DaemonSettings;
import io.hypersdk.apps.hypervisord.config.SettingsLoader;
import io.hypersdk.apps.hypervisord.config.SettingsLoader.SettingsException;
import io.hypersdk.cli.Cli;
import io.hypersdk.cli.ConfigDirOption;
import io.hypersdk.cli.ExitCode;
import io.hypersdk.cli.ExitCodes;
import io.hypersdk.cli.StopSignals;
import io.hypersdk.cli.VersionProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hypervisord}: the job daemon; runs migrations submitted over its REST API. */
@Command(name = "hypervisord", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {"Runs VM migrations (export, manifest, conversion pipeline) submitted over a REST API, keeping "
        + "every job in a SQLite store in the data dir. Every route but /health needs 'Authorization: Bearer TOKEN'; "
        + "the token comes from $" + ApiTokens.ENV + ", --api-token-file, or DATA_DIR/api-token (generated on first "
        + "start, mode 0600)."})
@ExitCodes({ExitCode.OK, ExitCode.INTERNAL, ExitCode.USAGE, ExitCode.ENVIRONMENT, ExitCode.CONFIG,
    ExitCode.TERMINATED})
public final class HyperVisord implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", description = "YAML config file; flags override its keys.")
  Path config;

  @Option(names = "--listen", paramLabel = "HOST:PORT",
      description = "Address to serve on (default: " + DaemonSettings.DEFAULT_LISTEN + "; port 0 picks a free one).")
  String listen;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Job store and generated token (default: /var/lib/hypervisord).")
  Path dataDir;

  @Option(names = "--max-concurrent-jobs", paramLabel = "N", description = "Jobs run at the same time (default: 2).")
  Integer maxConcurrentJobs;

  @Option(names = "--api-token-file", paramLabel = "FILE", description = "File holding the API token.")
  Path apiTokenFile;

  @Option(names = "--max-body-size", paramLabel = "SIZE",
      description = "Largest request body: bytes, or with k or m (default: 1m); larger ones get 413.")
  String maxBodySize;

  @Option(names = "--output-root", paramLabel = "DIR",
      description = "A folder jobs may write under (repeatable); none: anywhere.")
  List<Path> outputRoots;

  @Mixin
  ConfigDirOption hyper2kvmConfigDir;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // The bundled converter's jar brings its own logback.xml (stderr); the daemon logs plain lines to stdout.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "hypervisord-logback.xml");
    }
    System.exit(commandLine().execute(args));
  }

  /** The command line with the project's error handling: one line per error, never a stack trace. */
  public static CommandLine commandLine() {
    return Cli.withProjectErrors(new CommandLine(new HyperVisord()));
  }

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    DaemonSettings settings;
    String token;
    try {
      settings = SettingsLoader.resolve(SettingsLoader.readFile(config), listen, dataDir, maxConcurrentJobs,
          apiTokenFile, maxBodySize, outputRoots, hyper2kvmConfigDir.given(), SettingsLoader.configDirEnv());
      DaemonRuntime.createDataDir(settings.dataDir());
      token = ApiTokens.resolve(settings, System.getenv(ApiTokens.ENV));
    } catch (SettingsException e) {
      err.println("hypervisord: " + e.getMessage());
      return ExitCode.CONFIG.code();
    } catch (IOException e) {
      err.println("hypervisord: cannot prepare the data dir: " + e.getMessage());
      return ExitCode.ENVIRONMENT.code();
    }
    DaemonRuntime runtime;
    try {
      runtime = DaemonRuntime.start(settings, token, HyperConvert.inThisJvm());
    } catch (IOException | RuntimeException e) {
      err.println("hypervisord: " + e.getMessage());
      return ExitCode.ENVIRONMENT.code();
    }
    StopSignals.await();
    // Stopped: stop serving, interrupt jobs, close the store, then exit 0.
    runtime.close();
    return ExitCode.OK.code();
  }

}
