package io.hypersdk.apps.hyperctl.daemon;

import io.hypersdk.cli.ConfigDirOption;
import io.hypersdk.pipeline.instances.InstanceScanner;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;

/** Where the hyper2kvm instance configs are, and the instance names a {@code hyperctl daemon} command takes. */
public final class InstanceOptions {
  @Mixin
  ConfigDirOption configDir;

  /** Refuses an instance name systemd and the daemon would refuse too, as a usage error. */
  static void requireValidName(CommandLine cl, String instance) {
    if (instance != null && !instance.matches("[A-Za-z0-9_.@-]+")) {
      throw new ParameterException(cl, "--instance '" + instance
          + "' may only contain letters, digits, '_', '.', '@' and '-'");
    }
  }

  InstanceScanner scanner() {
    return new InstanceScanner(configDir.resolved());
  }
}
