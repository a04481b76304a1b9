package io.hypersdk.apps.hyperconvert;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionRunner;
import io.hypersdk.queue.DaemonConfig;
import io.hypersdk.queue.DaemonConfig.ConfigException;
import io.hypersdk.convert.daemon.DaemonIdentity;
import io.hypersdk.convert.daemon.QueueDaemon;
import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.manifest.HyperSdkVersion;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import io.hypersdk.cli.ExitCode;
import io.hypersdk.cli.ExitCodes;
import io.hypersdk.cli.StopSignals;
import io.hypersdk.cli.VersionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hyperconvert daemon}: serves a hyper2kvm queue until SIGTERM or SIGINT, then drains and exits 0. */
@Command(name = "daemon", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {"Serves a hyper2kvm queue: converts every manifest written into the watch dir.",
        "SIGTERM stops taking work, lets running conversions finish (up to stop_timeout_seconds), and exits 0."})
@ExitCodes({ExitCode.OK, ExitCode.INTERNAL, ExitCode.USAGE, ExitCode.ENVIRONMENT, ExitCode.CONFIG,
    ExitCode.TERMINATED})
final class DaemonCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE",
      description = "YAML config (default: /etc/hyper2kvm/hyper2kvm.conf, or /etc/hyper2kvm/INSTANCE.yaml with --instance).")
  Path config;

  @Option(names = "--instance", paramLabel = "NAME", description = "Instance name, as in hyper2kvm@NAME.service.")
  String instance;

  @Option(names = "--watch-dir", paramLabel = "DIR", description = "Queue folder (overrides watch_dir).")
  Path watchDir;

  @Option(names = "--output-dir", paramLabel = "DIR", description = "Output folder (overrides output_dir).")
  Path outputDir;

  @Option(names = "--max-concurrent", paramLabel = "N", description = "Parallel conversions (overrides max_concurrent).")
  Integer maxConcurrent;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    DaemonConfig cfg;
    try {
      Path file = config != null ? config : DaemonConfig.configFileFor(DaemonConfig.CONFIG_DIR, instance);
      cfg = DaemonConfig.resolve(DaemonConfig.readFile(file, config != null), instance,
          abs(watchDir), abs(outputDir), maxConcurrent);
    } catch (ConfigException e) {
      err.println("hyperconvert daemon: " + e.getMessage());
      return ExitCode.CONFIG.code();
    }
    QueueDaemon daemon;
    try {
      daemon = new QueueDaemon(cfg, DaemonIdentity.current(cfg.instance(), HyperSdkVersion.get()),
          new ConversionRunner(QemuImg.locate()));
      daemon.start();
    } catch (ConversionException | IOException e) {
      err.println("hyperconvert daemon: " + e.getMessage());
      return ExitCode.ENVIRONMENT.code();
    }
    StopSignals.await();
    daemon.stop();
    return ExitCode.OK.code();
  }

  private static Path abs(Path p) {
    return p == null ? null : p.toAbsolutePath().normalize();
  }
}
