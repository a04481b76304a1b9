package io.hypersdk.apps.hyperctl.connections;

import picocli.CommandLine.Command;

/** {@code hyperctl connections}: hypervisord's named provider connections. */
@Command(name = "connections", mixinStandardHelpOptions = true,
    description = "Lists hypervisord's named connections and tests them by logging in.",
    subcommands = {ConnectionsListCommand.class, ConnectionsTestCommand.class})
public final class ConnectionsCommand {}
