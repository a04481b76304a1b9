package io.hypersdk.migration;

import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.migration.steps.ExportStep;
import io.hypersdk.migration.steps.WriteManifestStep;
import io.hypersdk.pipeline.PipelineExecutor;
import io.hypersdk.manifest.Pipeline;
import io.hypersdk.pipeline.PipelineException;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.pipeline.PipelineResult;
import io.hypersdk.pipeline.steps.RunConverterStep;
import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.queue.QueueLayout;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/** One VM end to end: export, write the manifest, then the pipeline (direct or daemon mode, then libvirt). */
public final class MigrationRunner {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Provider provider;

  public MigrationRunner(Provider provider) {
    this.provider = provider;
  }

  /** A job id unique per run: the VM name, the time and a random suffix. */
  public static String newJobId(String vmName) {
    String base = vmName == null ? "vm" : vmName.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^[._-]+", "");
    if (base.isEmpty()) {
      base = "vm";
    }
    if (base.length() > 60) {
      base = base.substring(0, 60);
    }
    // 48 random bits: thousands of jobs for one VM name within one second still get distinct ids.
    byte[] r = new byte[6];
    RANDOM.nextBytes(r);
    return base + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss")) + "-"
        + HexFormat.of().formatHex(r);
  }

  public MigrationResult run(MigrationRequest request, MigrationEvents events) throws InterruptedException {
    long start = System.nanoTime();
    StreamingConversion streaming = null;
    ExportRequest exportRequest = request.export();
    if (streams(request)) {
      try {
        // An OVA packs the source disks, so they are kept for it.
        streaming = StreamingConversion.in(exportRequest.outputDir(),
            request.keepSource() || exportRequest.format() == ExportFormat.OVA);
      } catch (IOException e) {
        return new MigrationResult(false, exportRequest.vm(), null, null, null, null, ms(start),
            MigrationResult.Step.EXPORT, "cannot create a work folder in " + exportRequest.outputDir() + ": "
            + e.getMessage(), null);
      }
      exportRequest = exportRequest.withSink(streaming);
    }
    boolean handedOver = false;
    try {
      ExportedVm export;
      try {
        events.info("exporting " + exportRequest.vm() + " from " + provider.name() + " into "
            + exportRequest.outputDir() + (streaming == null ? "" : ", converting while downloading"));
        export = new ExportStep(provider).run(exportRequest, events.exportProgress());
      } catch (ProviderException e) {
        if (Thread.interrupted()) {
          // Ctrl-C or SIGTERM stopped the copy: the export was interrupted, it did not fail.
          throw new InterruptedException("export interrupted");
        }
        boolean source = e.kind() == ProviderException.Kind.NOT_FOUND
            || e.kind() == ProviderException.Kind.INVALID_REQUEST || e.kind() == ProviderException.Kind.REGION_MISMATCH
            || e.kind() == ProviderException.Kind.MISSING_SETTING;
        return new MigrationResult(false, exportRequest.vm(), null, null, null, null, ms(start),
            source ? MigrationResult.Step.SOURCE : MigrationResult.Step.EXPORT, e.getMessage(), e.kind());
      }
      long exportMs = ms(start);
      String jobId = newJobId(export.vm().name());
      if (!request.writeManifest() && !request.runsPipeline()) {
        return new MigrationResult(true, export.vm().name(), null, export, null, null, exportMs, null, null);
      }
      WriteManifestStep step = new WriteManifestStep();
      ArtifactManifest manifest = step.build(export, provider.name(), jobId, exportRequest.outputDir(),
          request.stages());
      Path manifestPath;
      try {
        manifestPath = step.write(manifest, exportRequest.outputDir());
        events.info("wrote " + manifestPath);
      } catch (IOException e) {
        return new MigrationResult(false, export.vm().name(), jobId, export, null, null, exportMs,
            MigrationResult.Step.MANIFEST, "cannot write the manifest in " + exportRequest.outputDir() + ": "
            + e.getMessage());
      }
      if (!request.runsPipeline()) {
        return new MigrationResult(true, export.vm().name(), jobId, export, manifestPath.toString(), null, exportMs,
            null, null);
      }
      if (streaming != null && streaming.streamedDisks() > 0) {
        Path staging = QueueLayout.workDir(exportRequest.outputDir().toAbsolutePath().normalize()).resolve(jobId);
        try {
          streaming.handOver(staging);
          handedOver = true;
          events.info(streaming.streamedDisks() + " disk(s) converted to qcow2 while downloading");
        } catch (IOException e) {
          return new MigrationResult(false, export.vm().name(), jobId, export, manifestPath.toString(), null,
              exportMs, MigrationResult.Step.PIPELINE, "cannot hand the streamed disks over to the conversion in "
              + staging + ": " + e.getMessage());
        }
      }
      PipelineResult p = new PipelineExecutor().run(manifest, manifestPath, request.pipeline(), events);
      return new MigrationResult(p.success(), export.vm().name(), jobId, export, manifestPath.toString(), p,
          exportMs, p.success() ? null : MigrationResult.Step.PIPELINE, p.error());
    } finally {
      if (streaming != null && !handedOver) {
        streaming.discard();
      }
    }
  }

  /**
   * Whether the export converts while it downloads: only when the bundled converter runs in direct mode on this
   * host right after it and makes plain qcow2. The daemon may be elsewhere and needs the files, another
   * converter reads the manifest's sources, and a dry run converts nothing.
   */
  static boolean streams(MigrationRequest r) {
    PipelineOptions o = r.pipeline();
    if (o == null || o.daemonRequested() || o.dryRun() || r.stages() == null) {
      return false;
    }
    Pipeline.Convert c = r.stages().convert();
    if (c == null || Boolean.FALSE.equals(c.enabled()) || Boolean.TRUE.equals(c.compress())) {
      return false;
    }
    try {
      return new RunConverterStep().choose(o).command().equals(o.bundledConverter());
    } catch (PipelineException e) {
      return false;
    }
  }

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
