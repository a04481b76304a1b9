package io.hypersdk.apps.hyperctl.daemon;

import io.hypersdk.convert.daemon.DaemonConfig;
import io.hypersdk.pipeline.instances.InstanceScanner;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Where the hyper2kvm instance configs are: {@code --config-dir}, else $HYPER2KVM_CONFIG_DIR, else /etc/hyper2kvm. */
public final class InstanceOptions {
  @Option(names = "--config-dir", paramLabel = "DIR",
      description = "hyper2kvm's config dir (default: $HYPER2KVM_CONFIG_DIR, else /etc/hyper2kvm)")
  Path configDir;

  /** Refuses an instance name systemd and the daemon would refuse too, as a usage error. */
  static void requireValidName(CommandLine cl, String instance) {
    if (instance != null && !instance.matches("[A-Za-z0-9_.@-]+")) {
      throw new ParameterException(cl, "--instance '" + instance
          + "' may only contain letters, digits, '_', '.', '@' and '-'");
    }
  }

  InstanceScanner scanner() {
    if (configDir != null) {
      return new InstanceScanner(configDir);
    }
    String env = System.getenv("HYPER2KVM_CONFIG_DIR");
    return new InstanceScanner(env != null && !env.isBlank() ? Path.of(env) : DaemonConfig.CONFIG_DIR);
  }
}
