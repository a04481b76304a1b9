package io.hypersdk.apps.hyperctl.tui;

import io.hypersdk.manifest.Pipeline;
import io.hypersdk.migration.MigrationEvents;
import io.hypersdk.migration.MigrationRequest;
import io.hypersdk.migration.MigrationRunner;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.VmSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Migrates the chosen VMs one after another in this process (export, manifest, pipeline), each into its
 * own folder under the output folder, reporting each VM's phase and export progress into its {@link VmRun}.
 * Interrupting the thread cancels: the current VM's pipeline withdraws what it queued, the rest do not start.
 */
final class LocalMigrations implements Runnable {
  private final Provider provider;
  private final List<VmSummary> vms;
  private final List<VmRun> runs;
  private final Path outputRoot;
  private final ExportFormat format;
  private final PipelineOptions options;
  private final Pipeline stages;

  LocalMigrations(Provider provider, List<VmSummary> vms, List<VmRun> runs, Path outputRoot, ExportFormat format,
      PipelineOptions options, Pipeline stages) {
    this.provider = provider;
    this.vms = List.copyOf(vms);
    this.runs = List.copyOf(runs);
    this.outputRoot = outputRoot;
    this.format = format;
    this.options = options;
    this.stages = stages;
  }

  @Override
  public void run() {
    MigrationRunner runner = new MigrationRunner(provider);
    for (int i = 0; i < vms.size(); i++) {
      VmRun run = runs.get(i);
      if (Thread.currentThread().isInterrupted()) {
        run.finished(VmOutcome.cancelled());
        continue;
      }
      VmSummary vm = vms.get(i);
      run.phase("exporting");
      MigrationRequest request = new MigrationRequest(new ExportRequest(vm.path(),
          ExportFolders.of(outputRoot, vm.name()), format), true, options, stages);
      try {
        run.finished(VmOutcome.of(runner.run(request, events(run))));
      } catch (InterruptedException e) {
        run.finished(VmOutcome.cancelled());
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Turns the runner's messages into the VM's phase; the messages are the ones hyperexport prints. */
  private static MigrationEvents events(VmRun run) {
    return new MigrationEvents() {
      @Override
      public ExportProgress exportProgress() {
        return new ExportProgress() {
          private final AtomicLong total = new AtomicLong();
          private final AtomicLong done = new AtomicLong();

          @Override
          public void start(long totalBytes) {
            total.set(totalBytes);
          }

          @Override
          public void advance(long bytes) {
            long t = total.get();
            if (t > 0) {
              run.percent((int) Math.min(100, done.addAndGet(bytes) * 100 / t));
            }
          }
        };
      }

      @Override
      public void info(String message) {
        run.message(message);
        if (message.startsWith("wrote ")) {
          run.phase("manifest written");
        } else if (message.startsWith("daemon mode")) {
          run.phase("daemon mode");
        } else if (message.startsWith("submitted")) {
          run.phase("queued for the daemon");
        } else if (message.startsWith("waiting for job")) {
          run.phase("converting (daemon)");
        } else if (message.startsWith("direct mode")) {
          run.phase("converting (direct)");
        } else if (message.startsWith("defined libvirt domain")) {
          run.phase("domain defined");
        }
      }

      @Override
      public void warning(String message) {
        run.message("warning: " + message);
      }
    };
  }
}
