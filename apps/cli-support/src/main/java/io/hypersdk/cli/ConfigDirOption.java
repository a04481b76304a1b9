package io.hypersdk.cli;

import io.hypersdk.queue.DaemonConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --hyper2kvm-config-dir}, as a picocli mixin: where the hyper2kvm instance configs are. hyperctl's
 * older spelling {@code --config-dir} still works, hidden.
 */
public final class ConfigDirOption {
  private Path dir;

  @Option(names = "--hyper2kvm-config-dir", paramLabel = "DIR",
      description = "Where hyper2kvm instance configs are (default: $" + DaemonConfig.ENV_CONFIG_DIR
          + ", else /etc/hyper2kvm).")
  void dir(Path value) {
    this.dir = value;
  }

  @Option(names = "--config-dir", paramLabel = "DIR", hidden = true,
      description = "The former name of --hyper2kvm-config-dir.")
  void formerName(Path value) {
    this.dir = value;
  }

  /** The folder given on the command line, absolute; null when none was given. */
  public Path given() {
    return dir == null ? null : dir.toAbsolutePath();
  }

  /** The folder to read: the one given, else $HYPER2KVM_CONFIG_DIR, else /etc/hyper2kvm. */
  public Path resolved() {
    return DaemonConfig.configDir(dir);
  }
}
