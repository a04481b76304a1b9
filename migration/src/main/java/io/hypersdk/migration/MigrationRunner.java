package io.hypersdk.migration;

import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.migration.steps.ExportStep;
import io.hypersdk.migration.steps.WriteManifestStep;
import io.hypersdk.pipeline.PipelineExecutor;
import io.hypersdk.pipeline.PipelineResult;
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
    ExportedVm export;
    try {
      events.info("exporting " + request.export().vm() + " from " + provider.name() + " into "
          + request.export().outputDir());
      export = new ExportStep(provider).run(request.export(), events.exportProgress());
    } catch (ProviderException e) {
      if (Thread.interrupted()) {
        // Ctrl-C or SIGTERM stopped the copy: the export was interrupted, it did not fail.
        throw new InterruptedException("export interrupted");
      }
      boolean source = e.kind() == ProviderException.Kind.NOT_FOUND || e.kind() == ProviderException.Kind.INVALID_REQUEST;
      return new MigrationResult(false, request.export().vm(), null, null, null, null, ms(start),
          source ? MigrationResult.Step.SOURCE : MigrationResult.Step.EXPORT, e.getMessage(), e.kind());
    }
    long exportMs = ms(start);
    String jobId = newJobId(export.vm().name());
    if (!request.writeManifest() && !request.runsPipeline()) {
      return new MigrationResult(true, export.vm().name(), null, export, null, null, exportMs, null, null);
    }
    WriteManifestStep step = new WriteManifestStep();
    ArtifactManifest manifest = step.build(export, provider.name(), jobId, request.export().outputDir(),
        request.stages());
    Path manifestPath;
    try {
      manifestPath = step.write(manifest, request.export().outputDir());
      events.info("wrote " + manifestPath);
    } catch (IOException e) {
      return new MigrationResult(false, export.vm().name(), jobId, export, null, null, exportMs,
          MigrationResult.Step.MANIFEST, "cannot write the manifest in " + request.export().outputDir() + ": " + e.getMessage());
    }
    if (!request.runsPipeline()) {
      return new MigrationResult(true, export.vm().name(), jobId, export, manifestPath.toString(), null, exportMs, null,
          null);
    }
    PipelineResult p = new PipelineExecutor().run(manifest, manifestPath, request.pipeline(), events);
    return new MigrationResult(p.success(), export.vm().name(), jobId, export, manifestPath.toString(), p, exportMs,
        p.success() ? null : MigrationResult.Step.PIPELINE, p.error());
  }

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
