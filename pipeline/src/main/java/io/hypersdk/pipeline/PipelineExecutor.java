package io.hypersdk.pipeline;

import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.pipeline.steps.AwaitResultStep;
import io.hypersdk.pipeline.steps.ConversionOutcome;
import io.hypersdk.pipeline.steps.ConverterResultFile;
import io.hypersdk.pipeline.steps.DefineDomainStep;
import io.hypersdk.pipeline.steps.CheckDaemonAccessStep;
import io.hypersdk.pipeline.steps.DetectDaemonStep;
import io.hypersdk.pipeline.steps.ResolveQueueStep;
import io.hypersdk.pipeline.steps.ResolveQueueStep.ResolvedQueue;
import io.hypersdk.pipeline.steps.RunConverterStep;
import io.hypersdk.pipeline.steps.SubmitManifestStep;
import io.hypersdk.pipeline.steps.SubmitManifestStep.Submission;
import io.hypersdk.pipeline.systemd.SystemdUnits;
import io.hypersdk.queue.ConversionResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the pipeline for a written manifest: resolve the queue, detect the daemon, then either submit and
 * await the result (daemon mode) or run the converter (direct mode), and finally define the libvirt domain.
 * Used by hyperexport, the job daemon and the TUI alike.
 */
public final class PipelineExecutor {

  /**
   * Runs the pipeline; failures come back as a result with {@code success=false} and a one-line error, so
   * callers can always report the mode and the job's state.
   */
  public PipelineResult run(ArtifactManifest manifest, Path manifestPath, PipelineOptions o, PipelineEvents events)
      throws InterruptedException {
    Map<String, Long> durations = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    PipelineEvents collecting = new PipelineEvents() {
      @Override
      public void info(String message) {
        events.info(message);
      }

      @Override
      public void warning(String message) {
        warnings.add(message);
        events.warning(message);
      }

      @Override
      public void converterOutput(String line) {
        events.converterOutput(line);
      }
    };
    long start = System.nanoTime();
    ExecutionMode mode = ExecutionMode.direct("daemon mode not requested");
    String converterName = null;
    ConversionOutcome outcome;
    try {
      ResolvedQueue queue = null;
      if (o.daemonRequested()) {
        long t = System.nanoTime();
        queue = new ResolveQueueStep().run(o);
        collecting.info("queue: watch dir " + queue.layout().watchDir() + ", output dir " + queue.layout().outputDir()
            + " (from " + queue.source() + ")");
        SystemdUnits systemd = new SystemdUnits();
        mode = new DetectDaemonStep(systemd).run(o, queue.layout());
        mode = new CheckDaemonAccessStep(systemd).run(mode, manifest);
        durations.put("detect", ms(t));
        if (!mode.isDaemon()) {
          collecting.warning(mode.reason());
        }
      }
      if (mode.isDaemon()) {
        collecting.info("daemon mode: " + mode.reason());
        converterName = mode.service() != null ? mode.service() : "daemon " + mode.heartbeat();
        outcome = viaDaemon(manifest, queue, o, collecting, durations);
      } else {
        long t = System.nanoTime();
        RunConverterStep step = new RunConverterStep();
        RunConverterStep.Converter converter = step.choose(o);
        converterName = converter.description();
        collecting.info("direct mode: running " + converter.description());
        outcome = step.run(converter, manifestPath, o, collecting);
        if (outcome.success()) {
          outcome = outcome.withResult(ConverterResultFile.read(outcome.domainXml(), manifest.jobId()));
        }
        durations.put("convert", ms(t));
      }
    } catch (PipelineException e) {
      outcome = ConversionOutcome.failed(e.getMessage(), JobOutcome.NOT_SUBMITTED);
    }
    String domainXml = outcome.domainXml();
    String domainName = null;
    boolean defined = false;
    if (outcome.success() && o.libvirt() && !o.dryRun()) {
      long t = System.nanoTime();
      DefineDomainStep.Definition d = new DefineDomainStep().run(manifest, outcome, o);
      durations.put("libvirt", ms(t));
      domainXml = d.domainXml();
      domainName = d.name();
      defined = d.defined();
      if (d.defined()) {
        collecting.info("defined libvirt domain " + d.name() + " on " + o.libvirtUri()
            + (o.libvirtAutostart() ? " (autostart)" : ""));
      } else {
        collecting.warning("libvirt: " + d.problem() + "; the converted disks are kept");
      }
    }
    durations.put("total", ms(start));
    ConversionResult converted = outcome.result();
    if (converted != null) {
      // The converter's warnings (e.g. a boot check that failed in warn mode) belong to the job's too.
      warnings.addAll(converted.warnings());
    }
    return new PipelineResult(outcome.success(), manifest.jobId(), manifestPath.toString(), mode, converterName,
        outcome.outputs(), domainXml, domainName, defined, outcome.jobState(), durations, warnings, outcome.error(),
        converted == null ? List.of() : converted.changes(), converted == null ? null : converted.bootCheck());
  }

  private static ConversionOutcome viaDaemon(ArtifactManifest manifest, ResolvedQueue queue, PipelineOptions o,
      PipelineEvents events, Map<String, Long> durations) throws PipelineException, InterruptedException {
    if (o.dryRun()) {
      events.info("dry run: the manifest would be submitted to " + queue.layout().watchDir());
      return new ConversionOutcome(true, List.of(), null, null, JobOutcome.DRY_RUN, null);
    }
    long t = System.nanoTime();
    Submission s = new SubmitManifestStep().run(manifest, queue.layout());
    durations.put("submit", ms(t));
    events.info("submitted " + s.queued());
    t = System.nanoTime();
    ConversionOutcome outcome = new AwaitResultStep().run(s, queue.layout(), o, events);
    durations.put("await", ms(t));
    return outcome;
  }

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
