package io.hypersdk.apps.hyperctl.daemon;

import io.hypersdk.convert.daemon.DaemonConfig;
import io.hypersdk.pipeline.instances.InstanceScanner;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the hyper2kvm instance configs are: {@code --config-dir}, else $HYPER2KVM_CONFIG_DIR, else /etc/hyper2kvm. */
public final class InstanceOptions {
  @Option(names = "--config-dir", paramLabel = "DIR",
      description = "hyper2kvm's config dir (default: $HYPER2KVM_CONFIG_DIR, else /etc/hyper2kvm)")
  Path configDir;

  InstanceScanner scanner() {
    if (configDir != null) {
      return new InstanceScanner(configDir);
    }
    String env = System.getenv("HYPER2KVM_CONFIG_DIR");
    return new InstanceScanner(env != null && !env.isBlank() ? Path.of(env) : DaemonConfig.CONFIG_DIR);
  }
}
