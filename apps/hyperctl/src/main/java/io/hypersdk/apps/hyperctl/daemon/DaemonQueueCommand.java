package io.hypersdk.apps.hyperctl.daemon;

import io.hypersdk.apps.hyperctl.TextTable;
import io.hypersdk.cli.JsonOutput;
import io.hypersdk.pipeline.instances.InstanceInfo;
import io.hypersdk.pipeline.instances.QueueEntries;
import io.hypersdk.queue.QueueCounts;
import io.hypersdk.queue.QueueLayout;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import io.hypersdk.cli.ExitCode;
import io.hypersdk.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hyperctl daemon queue}: each pending, processing and failed manifest of an instance's queue, with
 * totals; {@code --watch} redraws it until Ctrl-C.
 */
@Command(name = "queue", mixinStandardHelpOptions = true,
    description = "Shows an instance's pending, processing and failed manifests (VM, job id, age, error) and totals.")
@ExitCodes({ExitCode.OK, ExitCode.INTERNAL, ExitCode.USAGE, ExitCode.CONFIG, ExitCode.INTERRUPTED})
final class DaemonQueueCommand implements Callable<Integer> {
  /** One refresh for --json: the queue's folders, its manifests and totals. */
  record QueueView(String instance, String watchDir, String outputDir, List<QueueEntries.Entry> entries,
      QueueCounts totals, String at) {}

  @Mixin
  InstanceOptions options;

  @Option(names = "--instance", paramLabel = "NAME", description = "hyper2kvm@NAME.service (default: hyper2kvm.service)")
  String instance;

  @Option(names = "--watch", description = "redraw every --interval seconds until Ctrl-C (exit 130)")
  boolean watch;

  @Option(names = "--interval", paramLabel = "SEC", defaultValue = "2", description = "seconds between redraws (default: 2)")
  int interval;

  @Mixin
  JsonOutput json;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (interval < 1) {
      throw new ParameterException(spec.commandLine(), "--interval must be at least 1 second, not " + interval);
    }
    InstanceOptions.requireValidName(spec.commandLine(), instance);
    InstanceInfo i = options.scanner().find(instance);
    PrintWriter out = spec.commandLine().getOut();
    if (i.watchDir() == null) {
      spec.commandLine().getErr().println("hyperctl: " + i.service() + ": " + i.error());
      return ExitCode.CONFIG.code();
    }
    QueueLayout layout = new QueueLayout(Path.of(i.watchDir()), Path.of(i.outputDir()));
    if (!watch) {
      show(out, i, layout, false);
      return 0;
    }
    // On a terminal each refresh replaces the last; in a file or pipe they follow each other, timestamped.
    boolean terminal = System.console() != null;
    for (boolean first = true; ; first = false) {
      if (terminal && !json.enabled()) {
        out.print("\033[H\033[2J");
      } else if (!first && !json.enabled()) {
        out.println();
      }
      if (!json.enabled()) {
        out.println("--- " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " (every " + interval + " s; Ctrl-C ends)");
      }
      show(out, i, layout, true);
      Thread.sleep(interval * 1000L);
    }
  }

  private void show(PrintWriter out, InstanceInfo i, QueueLayout layout, boolean oneLine) throws Exception {
    List<QueueEntries.Entry> entries = QueueEntries.of(layout);
    QueueCounts totals = QueueCounts.of(layout);
    if (json.enabled()) {
      QueueView view = new QueueView(i.name(), i.watchDir(), i.outputDir(), entries, totals, Instant.now().toString());
      if (oneLine) {
        JsonOutput.printLine(out, view);
      } else {
        JsonOutput.print(out, view);
      }
      return;
    }
    out.println(i.service() + " queue " + i.watchDir() + " (output " + i.outputDir() + ")");
    if (entries.isEmpty()) {
      out.println("no pending, processing or failed manifests");
    } else {
      TextTable t = new TextTable("STATE", "MANIFEST", "VM", "JOB ID", "AGE", "DAEMON / ERROR");
      for (QueueEntries.Entry e : entries) {
        t.row(e.state(), e.manifest(), e.vmName(), e.jobId(), age(e.ageSeconds()),
            e.error() != null ? e.error() : e.owner());
      }
      t.print(out);
    }
    out.println("Totals: " + InstanceText.counts(totals));
    out.flush();
  }

  private static String age(double seconds) {
    long s = (long) seconds;
    if (s < 120) {
      return s + "s";
    }
    if (s < 7200) {
      return (s / 60) + "m";
    }
    return s < 172800 ? (s / 3600) + "h" : (s / 86400) + "d";
  }
}
