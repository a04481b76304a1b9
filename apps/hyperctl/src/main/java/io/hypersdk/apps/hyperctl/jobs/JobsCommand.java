package io.hypersdk.apps.hyperctl.jobs;

import picocli.CommandLine.Command;

/** {@code hyperctl jobs}: hypervisord's jobs from the command line. */
@Command(name = "jobs", mixinStandardHelpOptions = true,
    description = "Submits, lists, follows and cancels hypervisord jobs.",
    subcommands = {JobsListCommand.class, JobsShowCommand.class, JobsWatchCommand.class, JobsLogsCommand.class,
        JobsCancelCommand.class, JobsSubmitCommand.class})
public final class JobsCommand {}
