package io.hypersdk.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** The conventions every command line of the project follows: one line per error, never a stack trace. */
public final class Cli {
  public static final int EXIT_INTERNAL = 1;
  public static final int EXIT_USAGE = 2;

  private Cli() {}

  /**
   * Usage errors print the problem and where help is (exit 2); an unexpected exception prints one line
   * naming it (exit 1), since a stack trace helps no one running a migration.
   */
  public static CommandLine withProjectErrors(CommandLine cl) {
    String tool = cl.getCommandName();
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println(tool + ": internal error: " + e);
      return EXIT_INTERNAL;
    });
    cl.setParameterExceptionHandler((e, args) -> {
      CommandLine cmd = e.getCommandLine();
      cmd.getErr().println(tool + ": " + e.getMessage());
      cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
      return EXIT_USAGE;
    });
    return cl;
  }

  /** Library log lines on stderr: warnings only, or everything with --verbose. */
  public static void logLevel(boolean verbose) {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(verbose ? Level.INFO : Level.WARN);
  }
}
