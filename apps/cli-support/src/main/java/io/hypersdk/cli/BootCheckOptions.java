package io.hypersdk.cli;

import io.hypersdk.manifest.Pipeline;
import picocli.CommandLine.Option;

/**
 * {@code --boot-check} and {@code --boot-check-timeout}, as a picocli mixin shared by every command that starts a
 * conversion, so the options read and are checked the same everywhere.
 */
public final class BootCheckOptions {
  @Option(names = "--boot-check", arity = "0..1", fallbackValue = "on", paramLabel = "on|warn|off",
      description = "Boot the converted VM headless on a throwaway overlay before publishing it: on (a guest that "
          + "does not boot fails the job; the bare flag), warn (it only warns) or off. Not given: the manifest's "
          + "pipeline.boot_check, else the converter's boot_check setting, else off.")
  private String mode;

  @Option(names = "--boot-check-timeout", paramLabel = "SECONDS",
      description = "How long the boot check waits for a login prompt, at least "
          + Pipeline.MIN_BOOT_CHECK_TIMEOUT_SECONDS + " (not given: the manifest's, else the converter's "
          + "boot_check_timeout, else 300).")
  private Integer timeoutSeconds;

  /** The mode given, or null. */
  public String mode() {
    return mode;
  }

  /** The timeout given, or null. */
  public Integer timeoutSeconds() {
    return timeoutSeconds;
  }

  /** What is wrong with the values given, as one line without the command's name; null when they are fine. */
  public String problem() {
    if (mode != null && !Pipeline.BOOT_CHECK_MODES.contains(mode)) {
      return "--boot-check must be on, warn or off, not '" + mode + "'";
    }
    if (timeoutSeconds != null && timeoutSeconds < Pipeline.MIN_BOOT_CHECK_TIMEOUT_SECONDS) {
      return "--boot-check-timeout must be at least " + Pipeline.MIN_BOOT_CHECK_TIMEOUT_SECONDS + " seconds, not "
          + timeoutSeconds;
    }
    return null;
  }
}
