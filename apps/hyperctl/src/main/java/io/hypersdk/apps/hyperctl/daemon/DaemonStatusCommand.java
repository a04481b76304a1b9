package io.hypersdk.apps.hyperctl.daemon;

import io.hypersdk.cli.JsonOutput;
import io.hypersdk.pipeline.instances.InstanceInfo;
import io.hypersdk.pipeline.systemd.SystemdUnits.UnitStatus;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import io.hypersdk.cli.ExitCode;
import io.hypersdk.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hyperctl daemon status}: one instance's systemd state, heartbeat, queue folders and counts; active
 * means what a job would decide (systemd says active, or a daemon's heartbeat is fresh).
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Shows a hyper2kvm instance: systemd state, heartbeat, watch and output dirs, queue counts.")
@ExitCodes(value = {ExitCode.OK, ExitCode.INTERNAL, ExitCode.USAGE, ExitCode.NOT_FOUND},
    details = {"0:active (systemd says so, or a daemon's heartbeat is fresh)", "3:not active"})
final class DaemonStatusCommand implements Callable<Integer> {
  @Mixin
  InstanceOptions options;

  @Option(names = "--instance", paramLabel = "NAME", description = "hyper2kvm@NAME.service (default: hyper2kvm.service)")
  String instance;

  @Mixin
  JsonOutput json;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    InstanceOptions.requireValidName(spec.commandLine(), instance);
    InstanceInfo i = options.scanner().find(instance);
    PrintWriter out = spec.commandLine().getOut();
    if (json.enabled()) {
      JsonOutput.print(out, i);
    } else {
      print(out, i);
    }
    out.flush();
    return i.active() ? 0 : ExitCode.NOT_FOUND.code();
  }

  private static void print(PrintWriter out, InstanceInfo i) {
    out.println(i.service() + ": " + InstanceText.state(i));
    UnitStatus u = i.systemd();
    if (u != null) {
      line(out, "systemd", u.available() ? u.state() + (u.subState() == null ? "" : " (" + u.subState() + ")")
          : "systemd not available (" + u.note() + ")");
      line(out, "main pid", u.mainPid() > 0 ? Long.toString(u.mainPid()) : null);
      line(out, "since", u.isActive() ? u.activeSince() : null);
    }
    line(out, "active", (i.active() ? "yes: " : "no: ") + (i.activeReason() == null ? "" : i.activeReason()));
    InstanceInfo.HeartbeatInfo h = i.heartbeat();
    line(out, "heartbeat", h == null ? "none" : String.format(Locale.ROOT, "host %s, pid %d, %s, age %.1f s, "
        + "version %s%s", h.host(), h.pid(), h.state(), h.ageSeconds(), h.version(), h.fresh() ? "" : " (stale)"));
    line(out, "config", i.configFile() == null ? "none (defaults)" : i.configFile());
    line(out, "config error", i.error());
    line(out, "watch dir", i.watchDir());
    line(out, "output dir", i.outputDir());
    line(out, "queue", i.queue() == null ? null : InstanceText.counts(i.queue()));
    line(out, "found by", i.sources().isEmpty() ? "nothing (no unit, config file or heartbeat)"
        : String.join(", ", i.sources()));
  }

  private static void line(PrintWriter out, String label, String value) {
    if (value != null) {
      out.printf("  %-12s %s%n", label + ":", value);
    }
  }
}
