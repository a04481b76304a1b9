package io.hypersdk.apps.hyperctl.tui;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.DefaultTerminalFactory;
import com.googlecode.lanterna.terminal.Terminal;
import com.googlecode.lanterna.terminal.ansi.UnixLikeTerminal.CtrlCBehaviour;
import io.hypersdk.apps.hyperconvert.HyperConvert;
import io.hypersdk.apps.hyperctl.client.ConnectionSettings;
import io.hypersdk.apps.hyperctl.client.HypervisordException;
import io.hypersdk.providers.Providers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import io.hypersdk.cli.ConfigDirOption;
import io.hypersdk.cli.ExitCode;
import io.hypersdk.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hyperctl interactive} (alias {@code migrate}): the terminal wizard that migrates VMs step by step. */
@Command(name = "interactive", aliases = "migrate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"A terminal wizard: connect to a provider, pick VMs, choose export and pipeline options "
        + "(daemon mode with the live status of the hyper2kvm instances), confirm, watch each VM's progress and "
        + "read the summary. Options only fill the first screens in. Needs a terminal; scripts use hyperexport."})
@ExitCodes({ExitCode.OK, ExitCode.INTERNAL, ExitCode.USAGE, ExitCode.JOB_FAILED})
public final class InteractiveCommand implements Callable<Integer> {
  static final String NO_TERMINAL = "hyperctl: interactive needs a terminal (stdin is not a TTY); use 'hyperexport' "
      + "or 'hyperctl jobs submit' for scripts";

  @Option(names = "--provider", paramLabel = "NAME", description = "Provider to start with, one of this build's "
      + "(default: local).")
  String provider = WizardModel.LOCAL;

  @Option(names = "--source", paramLabel = "DIR", description = "local: the folder of OVAs, OVFs and disk images.")
  Path source;

  @Option(names = "--vcenter-url", paramLabel = "URL", description = "vsphere: vCenter or ESXi.")
  String vcenterUrl;

  @Option(names = "--username", paramLabel = "USER", description = "vsphere: user name.")
  String username;

  @Option(names = "--password-file", paramLabel = "FILE", description = "vsphere: file whose first line is the "
      + "password (or type it, masked, on the first screen).")
  Path passwordFile;

  @Option(names = "--output", paramLabel = "DIR", description = "Export folder; each VM goes into DIR/VM-NAME.")
  Path output;

  @Option(names = "--hypervisord", paramLabel = "URL", description = "Offer to run the migration as hypervisord "
      + "jobs there (token: --token-file, else $HYPERCTL_TOKEN or hyperctl's config file).")
  String hypervisordUrl;

  @Option(names = "--token-file", paramLabel = "FILE", description = "File holding hypervisord's API token.")
  Path tokenFile;

  @Mixin
  ConfigDirOption configDir;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> available = Providers.discover().names();
    if (!available.contains(provider)) {
      err.println("hyperctl: --provider must be one of " + String.join(", ", available) + ", not '" + provider + "'");
      return ExitCode.USAGE.code();
    }
    if (tokenFile != null && hypervisordUrl == null) {
      err.println("hyperctl: --token-file needs --hypervisord URL");
      return ExitCode.USAGE.code();
    }
    WizardModel model;
    try {
      model = prefilled();
    } catch (HypervisordException e) {
      err.println("hyperctl: " + e.getMessage());
      return ExitCode.USAGE.code();
    }
    // Java gives no console when stdin or stdout is not a terminal: a screen there would be garbage.
    if (System.console() == null) {
      err.println(NO_TERMINAL);
      return ExitCode.USAGE.code();
    }
    // Log lines written to the terminal would tear the screen; everything the user needs is on it.
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.OFF);
    Terminal terminal = new DefaultTerminalFactory().setForceTextTerminal(true)
        .setUnixTerminalCtrlCBehaviour(CtrlCBehaviour.TRAP).createTerminal();
    int code = new MigrationWizard(new TerminalScreen(terminal), model).run();
    // The screen is gone once the wizard ends; the summary stays in the terminal.
    SummaryStep.lines(model.runs).forEach(out::println);
    out.flush();
    return code;
  }

  private WizardModel prefilled() throws HypervisordException {
    WizardModel m = new WizardModel(configDir.resolved(), HyperConvert.inThisJvm());
    m.provider = provider;
    prefill(m, "local", "root", source == null ? null : source.toAbsolutePath().normalize());
    prefill(m, "vsphere", "url", vcenterUrl);
    prefill(m, "vsphere", "username", username);
    prefill(m, "vsphere", "password_file", passwordFile == null ? null : passwordFile.toAbsolutePath());
    m.outputDir = output == null ? "" : output.toAbsolutePath().normalize().toString();
    if (hypervisordUrl != null) {
      Map<String, String> env = System.getenv();
      m.hypervisord = ConnectionSettings.resolve(hypervisordUrl, tokenFile, env,
          ConnectionSettings.defaultConfigFile(env), false);
    }
    return m;
  }

  private static void prefill(WizardModel m, String provider, String setting, Object value) {
    if (value != null) {
      m.settings.computeIfAbsent(provider, p -> new LinkedHashMap<>()).put(setting, value.toString());
    }
  }
}
