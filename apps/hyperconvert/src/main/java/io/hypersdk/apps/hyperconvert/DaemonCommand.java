package io.hypersdk.apps.hyperconvert;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionRunner;
import io.hypersdk.convert.daemon.DaemonConfig;
import io.hypersdk.convert.daemon.DaemonConfig.ConfigException;
import io.hypersdk.convert.daemon.DaemonIdentity;
import io.hypersdk.convert.daemon.QueueDaemon;
import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.manifest.HyperSdkVersion;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import io.hypersdk.cli.VersionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code hyperconvert daemon}: serves a hyper2kvm queue until SIGTERM or SIGINT, then drains and exits 0. */
@Command(name = "daemon", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {"Serves a hyper2kvm queue: converts every manifest written into the watch dir.",
        "SIGTERM stops taking work, lets running conversions finish (up to stop_timeout_seconds), and exits 0."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped by SIGTERM or SIGINT", "2:usage error", "6:cannot serve the queue (folder, lock)",
        "78:configuration error"})
final class DaemonCommand implements Callable<Integer> {
  static final int EXIT_CONFIG = 78;

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
      return EXIT_CONFIG;
    }
    QueueDaemon daemon;
    try {
      daemon = new QueueDaemon(cfg, DaemonIdentity.current(cfg.instance(), HyperSdkVersion.get()),
          new ConversionRunner(QemuImg.locate()));
      daemon.start();
    } catch (ConversionException | IOException e) {
      err.println("hyperconvert daemon: " + e.getMessage());
      return HyperConvert.EXIT_ENVIRONMENT;
    }
    CountDownLatch stop = new CountDownLatch(1);
    // Handling the signals ourselves (instead of a shutdown hook) lets the daemon drain and then exit 0,
    // which systemd records as a clean stop rather than a failure.
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    daemon.stop();
    return HyperConvert.EXIT_OK;
  }

  private static Path abs(Path p) {
    return p == null ? null : p.toAbsolutePath().normalize();
  }
}
