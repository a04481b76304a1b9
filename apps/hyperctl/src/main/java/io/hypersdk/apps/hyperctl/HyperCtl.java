package io.hypersdk.apps.hyperctl;

import io.hypersdk.apps.hyperctl.daemon.DaemonCommand;
import io.hypersdk.apps.hyperctl.connections.ConnectionsCommand;
import io.hypersdk.apps.hyperctl.jobs.JobsCommand;
import io.hypersdk.apps.hyperctl.tui.InteractiveCommand;
import io.hypersdk.cli.Cli;
import io.hypersdk.cli.VersionProvider;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code hyperctl}: watches hyper2kvm daemons and their queues, drives hypervisord jobs, runs the migration TUI. */
@Command(name = "hyperctl", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Controls HyperSDK: hyper2kvm daemon status and queues, hypervisord jobs, interactive migration.",
    subcommands = {DaemonCommand.class, JobsCommand.class, ConnectionsCommand.class, InteractiveCommand.class,
        AutoComplete.GenerateCompletion.class})
public final class HyperCtl {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The whole command tree with the project's error conventions. */
  public static CommandLine commandLine() {
    return Cli.withProjectErrors(new CommandLine(new HyperCtl()));
  }
}
