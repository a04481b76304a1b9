package io.hypersdk.apps.hyperctl.daemon;

import picocli.CommandLine.Command;

/** {@code hyperctl daemon}: hyper2kvm daemon instances, their state and their queues. */
@Command(name = "daemon", mixinStandardHelpOptions = true,
    description = "Shows hyper2kvm daemon instances (systemd, config files, heartbeats) and their queues.",
    subcommands = {DaemonStatusCommand.class, DaemonListCommand.class, DaemonQueueCommand.class})
public final class DaemonCommand {}
