package io.hypersdk.providers.hyperv;

import io.hypersdk.providers.ProviderException;
import java.time.Duration;

/**
 * A logged-in connection to the Hyper-V host that runs a command line with bytes on its stdin: over SSH
 * ({@link SshHost}) or WinRM ({@link WinRmHost}). {@link PowerShell} runs its scripts through either.
 */
interface PowerShellHost extends AutoCloseable {
  /** What a command wrote and how it ended. */
  record Output(int exit, String stdout, String stderr) {}

  /** Runs {@code command}, writing {@code stdin} to it then closing its input. */
  Output exec(String command, byte[] stdin, Duration timeout) throws ProviderException, InterruptedException;

  HyperVConfig config();

  @Override
  void close();
}
