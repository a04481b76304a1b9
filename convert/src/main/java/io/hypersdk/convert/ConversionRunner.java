package io.hypersdk.convert;

import io.hypersdk.convert.ConversionException.Kind;
import io.hypersdk.convert.bootcheck.BootCheckStage;
import io.hypersdk.convert.domain.DomainDisk;
import io.hypersdk.convert.domain.LibvirtDomain;
import io.hypersdk.convert.fix.FixOutcome;
import io.hypersdk.convert.fix.GuestConfiguration;
import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.convert.steps.ConvertDisksStep;
import io.hypersdk.convert.steps.DigestStep;
import io.hypersdk.convert.steps.FixStep;
import io.hypersdk.convert.steps.InspectStep;
import io.hypersdk.convert.steps.PublishStep;
import io.hypersdk.convert.steps.StagedDisk;
import io.hypersdk.convert.steps.UseStreamedDisksStep;
import io.hypersdk.convert.steps.ValidateStep;
import io.hypersdk.convert.steps.VerifySourcesStep;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.Disk;
import io.hypersdk.manifest.Pipeline;
import io.hypersdk.queue.BootCheckReport;
import io.hypersdk.queue.ConversionResult;
import io.hypersdk.queue.GuestChange;
import io.hypersdk.queue.OutputFile;
import io.hypersdk.queue.OutputFiles;
import io.hypersdk.queue.QueueFiles;
import io.hypersdk.queue.StageReport;
import io.hypersdk.queue.StreamedDisks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Wires the converter's steps: inspect, convert, fix, validate, digest, domain, boot check, publish. Everything is
 * built in the staging folder and published by rename; on failure the staging folder is removed, so no
 * partial output survives. The manifest must already be valid.
 */
public final class ConversionRunner {
  private final QemuImg qemuImg;
  private final FixStep fix;

  public ConversionRunner(QemuImg qemuImg) {
    this(qemuImg, FixStep.fromEnvironment());
  }

  public ConversionRunner(QemuImg qemuImg, FixStep fix) {
    this.qemuImg = qemuImg;
    this.fix = fix;
  }

  /** Runs the conversion; throws {@link ConversionException} with a one-line reason on failure. */
  public ConversionResult run(ConversionRequest request) throws ConversionException, InterruptedException {
    long start = System.nanoTime();
    Map<String, Long> timings = new LinkedHashMap<>();
    List<StageReport> stages = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    ArtifactManifest m = request.manifest();
    Pipeline pipeline = m.effectivePipeline();
    List<Disk> bootOrder = m.disksInBootOrder();
    ConversionEvents events = request.events();
    // Checksums of sources and checks of finished disks run here while qemu-img converts the next disk: one
    // thread hashes the sources, and each finished disk has qemu-img check and its own hash run side by side.
    ExecutorService helpers = Executors.newCachedThreadPool(r -> {
      Thread th = new Thread(r, "conversion-checks");
      th.setDaemon(true);
      return th;
    });
    try {
      boolean fixing = pipeline.fix().enabled();
      GuestConfiguration configuration = GuestConfiguration.parse(m.configuration(), fixing);
      if (fixing && !pipeline.convert().enabled()) {
        throw new ConversionException(Kind.INVALID_MANIFEST, "pipeline.fix needs pipeline.convert: the fix stage "
            + "changes the converted copies, never the source disks");
      }
      // A streaming export leaves the disks it already converted in the staging folder.
      StreamedDisks streamed = StreamedDisks.read(request.stagingDir()).orElse(new StreamedDisks(List.of()));
      long t = System.nanoTime();
      stages.add(report(events, new InspectStep(qemuImg).run(bootOrder, pipeline.inspect(), streamed)));
      timings.put("inspect", ms(t));
      if (request.compress() && pipeline.convert().compressLevel() != null) {
        warnings.add("compress_level " + pipeline.convert().compressLevel() + " was not applied: qemu-img "
            + "compresses qcow2 at a fixed zlib level");
      }

      boolean convert = pipeline.convert().enabled();
      List<StagedDisk> plan = convert
          ? UseStreamedDisksStep.marked(ConvertDisksStep.plan(request, bootOrder), streamed) : List.of();
      VerifySourcesStep verify = new VerifySourcesStep();
      // Disks the native converter takes are hashed in its own pass (and checked there).
      Set<Disk> hashedByConversion = plan.stream().filter(s -> s.nativeFormat() != null)
          .map(StagedDisk::disk).collect(Collectors.toSet());
      Future<List<String>> sourceCheck = verify.start(request.verifySources() ? m.disks() : List.of(), streamed,
          request.dryRun() ? Set.of() : hashedByConversion, helpers);
      if (request.dryRun()) {
        verify.await(sourceCheck, request.manifestName());
        return dryRun(request, plan, stages, warnings, convert, fixing);
      }
      t = System.nanoTime();
      ValidateStep validate = new ValidateStep(qemuImg, pipeline.validate());
      List<Future<OutputFile>> finishing = new ArrayList<>();
      // Without a fix, each disk is checked and hashed as soon as it is converted; with one, only after the fix
      // has changed them all, so the digests are of what gets published.
      Consumer<StagedDisk> finish = s -> {
        Future<OutputFile> digest = helpers.submit(() -> new DigestStep().digest(s));
        Future<Object> check = helpers.submit(() -> {
          validate.check(s);
          return null;
        });
        finishing.add(helpers.submit(() -> {
          await(check);
          return await(digest);
        }));
      };
      // What converted each disk: the plan's native disk may have gone to qemu-img.
      Map<Disk, StagedDisk> asConverted = new ConcurrentHashMap<>();
      if (convert) {
        Consumer<StagedDisk> converted = s -> {
          asConverted.put(s.disk(), s);
          if (!fixing) {
            finish.accept(s);
          }
        };
        new ConvertDisksStep(qemuImg).run(request, new UseStreamedDisksStep().run(request, streamed, plan, converted),
            converted, warnings::add);
        stages.add(report(events, StageReport.done("convert", plan.size() + " disk(s) converted to "
            + request.outFormat() + (request.compress() ? " (compressed)" : ""))));
      } else {
        stages.add(report(events, StageReport.skipped("convert",
            "convert stage disabled by the manifest; the domain uses the source disks")));
      }
      timings.put("convert", ms(t));
      t = System.nanoTime();
      FixStep.Result fixed = fix.run(plan.stream().map(StagedDisk::staged).toList(), request.outFormat(), m,
          pipeline.fix(), configuration, request.stagingDir().resolve("fix-scratch"));
      stages.add(report(events, fixed.report()));
      List<GuestChange> changes = fixed.outcome().map(FixOutcome::changes).orElse(List.of());
      fixed.outcome().ifPresent(o -> warnings.addAll(o.warnings()));
      if (fixing) {
        deleteTree(request.stagingDir().resolve("fix-scratch"));
        timings.put("fix", ms(t));
        timings.put("fix_appliance_start", fixed.outcome().get().applianceMs());
        fixed.outcome().get().fixMs().forEach((step, ms) -> timings.put("fix_" + step, ms));
        plan.forEach(s -> finish.accept(asConverted.getOrDefault(s.disk(), s).changedAfterConversion()));
      }
      t = System.nanoTime();
      // The domain is written (and forced to disk) while the converted disks are still being checked: between
      // the end of the conversion and the final names, only what needs the checks' results remains.
      List<DomainDisk> domainDisks = convert
          ? plan.stream().map(s -> new DomainDisk(s.target().toString(), s.format())).toList()
          : bootOrder.stream().map(d -> new DomainDisk(d.localPath(), d.format().qemuName())).toList();
      LibvirtDomain domain = fixed.outcome().isPresent()
          ? LibvirtDomain.of(request.vmStem(), m, domainDisks, fixed.outcome().get().devices())
          : LibvirtDomain.of(request.vmStem(), m, domainDisks);
      warnings.addAll(domain.warnings());
      OutputFiles names = request.outputFiles();
      Path stagedXml = request.stagingDir().resolve(names.domainXml().getFileName());
      Files.createDirectories(request.stagingDir());
      io.hypersdk.io.AtomicFiles.write(stagedXml, domain.xml().getBytes(StandardCharsets.UTF_8));
      OutputFile domainOutput = new OutputFile(OutputFile.ROLE_DOMAIN, null, names.domainXml().toString(),
          "libvirt-xml", Files.size(stagedXml), io.hypersdk.io.Sha256.ofFile(stagedXml));
      verify.await(sourceCheck, request.manifestName());
      List<OutputFile> outputs = new ArrayList<>();
      for (Future<OutputFile> f : finishing) {
        outputs.add(await(f));
      }
      outputs.add(domainOutput);
      stages.add(report(events, validate.report(plan.size())));
      timings.put("after_convert", ms(t));

      t = System.nanoTime();
      BootCheckReport bootCheck = new BootCheckStage(qemuImg).run(request, stagedXml, plan.stream()
          .collect(Collectors.toMap(StagedDisk::target, StagedDisk::staged)), stages, warnings);
      if (bootCheck != null) {
        timings.put("boot_check", ms(t));
      }

      timings.put("total", ms(start));
      ConversionResult result = new ConversionResult(ConversionResult.COMPLETED, request.jobId(), m.vmName(),
          request.manifestName(), outputs, names.domainXml().toString(), stages, warnings, timings, null, changes,
          bootCheck);
      Path stagedResult = request.stagingDir().resolve(names.resultJson().getFileName());
      QueueFiles.writeJson(stagedResult, result);

      // Extra disks, domain and result first; the primary disk last, because it is what old clients poll for.
      List<PublishStep.Move> moves = new ArrayList<>();
      for (int i = 1; i < plan.size(); i++) {
        moves.add(new PublishStep.Move(plan.get(i).staged().toString(), plan.get(i).target().toString()));
      }
      moves.add(new PublishStep.Move(stagedXml.toString(), names.domainXml().toString()));
      moves.add(new PublishStep.Move(stagedResult.toString(), names.resultJson().toString()));
      if (!plan.isEmpty()) {
        moves.add(new PublishStep.Move(plan.get(0).staged().toString(), plan.get(0).target().toString()));
      }
      // A stop that arrives now must not cut the commit in half: its journal would be discarded below.
      boolean interrupted = Thread.interrupted();
      try {
        new PublishStep().run(request.stagingDir(), moves, List.of(names.errorFile()), result);
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      deleteTree(request.stagingDir());
      return result;
    } catch (IOException e) {
      helpers.shutdownNow();
      discard(request);
      throw new ConversionException(Kind.ENVIRONMENT, "cannot write outputs in " + request.outputDir() + ": "
          + e.getMessage(), e);
    } catch (ConversionException | InterruptedException | RuntimeException e) {
      helpers.shutdownNow();
      discard(request);
      throw e;
    } finally {
      helpers.shutdownNow();
    }
  }

  /** The result of a background check, with its own exception rather than a wrapper. */
  private static <T> T await(Future<T> f) throws ConversionException, InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ConversionException c) {
        throw c;
      }
      if (e.getCause() instanceof InterruptedException i) {
        throw i;
      }
      throw new ConversionException(Kind.CONVERSION, "checking a converted disk failed: " + e.getCause());
    }
  }

  private ConversionResult dryRun(ConversionRequest request, List<StagedDisk> plan, List<StageReport> stages,
      List<String> warnings, boolean convert, boolean fixing) {
    List<OutputFile> outputs = plan.stream().map(s -> new OutputFile(OutputFile.ROLE_DISK, s.disk().id(),
        s.target().toString(), s.format(), 0, null, s.converter())).toList();
    stages.add(convert ? StageReport.skipped("convert", "dry run: " + plan.size() + " disk(s) would be converted")
        : StageReport.skipped("convert", "convert stage disabled by the manifest"));
    stages.add(StageReport.skipped("fix", fixing ? "dry run: the guest would be fixed after conversion"
        : "fix stage disabled by the manifest"));
    ConvertDisksStep convertStep = new ConvertDisksStep(qemuImg);
    for (StagedDisk s : plan) {
      request.events().command(convertStep.describe(new StagedDisk(s.disk(), s.target(), s.target(), s.format(),
          s.nativeFormat(), null), request.compress()));
    }
    return new ConversionResult(ConversionResult.DRY_RUN, request.jobId(), request.manifest().vmName(),
        request.manifestName(), outputs, request.outputFiles().domainXml().toString(), stages, warnings, Map.of(), null);
  }

  /**
   * Finishes a commit that a crash interrupted; empty when the job never reached its commit, in which case
   * the staging folder is cleared for a fresh conversion.
   */
  public static Optional<ConversionResult> resumeOrReset(Path stagingDir) throws IOException {
    Optional<ConversionResult> done = new PublishStep().resume(stagingDir);
    deleteTree(stagingDir);
    return done;
  }

  private static void discard(ConversionRequest request) {
    try {
      deleteTree(request.stagingDir());
    } catch (IOException e) {
      // Left for the next run of the same job, which clears its staging folder first.
    }
  }

  /** Deletes a folder and everything in it; a missing folder is fine. */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static StageReport report(ConversionEvents events, StageReport r) {
    events.stage(r);
    return r;
  }

  private static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
