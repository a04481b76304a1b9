package io.hypersdk.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** The conventions every command line of the project follows: one line per error, never a stack trace. */
public final class Cli {
  private Cli() {}

  /**
   * Usage errors print the problem and where help is (exit 2); an unexpected exception prints one line
   * naming it (exit 1), since a stack trace helps no one running a migration. Every command in the tree gets
   * its {@link ExitCodes} listed in its usage help.
   */
  public static CommandLine withProjectErrors(CommandLine cl) {
    String tool = cl.getCommandName();
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println(tool + ": internal error: " + e);
      return ExitCode.INTERNAL.code();
    });
    cl.setParameterExceptionHandler((e, args) -> {
      CommandLine cmd = e.getCommandLine();
      cmd.getErr().println(tool + ": " + e.getMessage());
      cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
      return ExitCode.USAGE.code();
    });
    listExitCodes(cl);
    return cl;
  }

  /** Library log lines on stderr: warnings only, or everything with --verbose. */
  public static void logLevel(boolean verbose) {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(verbose ? Level.INFO : Level.WARN);
    // The Azure SDK logs each failure it throws at ERROR, with the exception's class; the azure provider reports
    // the failure itself as one line.
    ((Logger) LoggerFactory.getLogger("com.azure")).setLevel(verbose ? Level.INFO : Level.OFF);
    // Apache MINA SSHD (hyperv) logs a refused host key or a dropped session as a WARN with the exception; the
    // hyperv provider reports it as one line.
    ((Logger) LoggerFactory.getLogger("org.apache.sshd")).setLevel(verbose ? Level.INFO : Level.OFF);
  }

  private static void listExitCodes(CommandLine cl) {
    ExitCodes codes = cl.getCommandSpec().userObject() == null ? null
        : cl.getCommandSpec().userObject().getClass().getAnnotation(ExitCodes.class);
    if (codes != null) {
      Map<String, String> list = new LinkedHashMap<>();
      for (ExitCode c : codes.value()) {
        list.put(Integer.toString(c.code()), c.meaning());
      }
      for (String detail : codes.details()) {
        int colon = detail.indexOf(':');
        list.put(detail.substring(0, colon), detail.substring(colon + 1));
      }
      cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(list);
    }
    cl.getSubcommands().values().forEach(Cli::listExitCodes);
  }
}
