package io.hypersdk.apps.hyperctl.daemon;

import io.hypersdk.apps.hyperctl.TextTable;
import io.hypersdk.cli.JsonOutput;
import io.hypersdk.pipeline.instances.InstanceInfo;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import io.hypersdk.cli.ExitCode;
import io.hypersdk.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hyperctl daemon list}: every instance known from systemd, config files and heartbeats. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "Lists hyper2kvm instances from systemd, config files and heartbeats, with state and queue counts.")
@ExitCodes({ExitCode.OK, ExitCode.INTERNAL, ExitCode.USAGE})
final class DaemonListCommand implements Callable<Integer> {
  @Mixin
  InstanceOptions options;

  @Mixin
  JsonOutput json;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    List<InstanceInfo> found = options.scanner().scan();
    PrintWriter out = spec.commandLine().getOut();
    if (json.enabled()) {
      JsonOutput.print(out, found);
      return 0;
    }
    TextTable t = new TextTable("NAME", "SERVICE", "STATE", "FOUND BY", "PENDING", "PROCESSING", "PROCESSED",
        "FAILED");
    for (InstanceInfo i : found) {
      var q = i.queue();
      t.row(i.name(), i.service(), InstanceText.state(i), String.join(", ", i.sources()),
          q == null ? null : q.pending(), q == null ? null : q.processing(), q == null ? null : q.processed(),
          q == null ? null : q.failed());
    }
    t.print(out);
    return 0;
  }
}
