package io.hypersdk.apps.hyperconvert;

import static io.hypersdk.cli.ExitCode.*;

import io.hypersdk.cli.BootCheckOptions;
import io.hypersdk.cli.Cli;
import io.hypersdk.cli.ExitCode;
import io.hypersdk.cli.ExitCodes;
import io.hypersdk.cli.JsonOutput;
import io.hypersdk.cli.VersionProvider;
import io.hypersdk.convert.ConversionEvents;
import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionRequest;
import io.hypersdk.convert.ConversionRunner;
import io.hypersdk.convert.bootcheck.BootCheckFailedException;
import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.InvalidManifestException;
import io.hypersdk.manifest.ManifestException;
import io.hypersdk.manifest.ManifestIO;
import io.hypersdk.manifest.ManifestValidator.FileChecks;
import io.hypersdk.manifest.ManifestValidator;
import io.hypersdk.manifest.Pipeline;
import io.hypersdk.queue.ConversionResult;
import io.hypersdk.queue.OutputFile;
import io.hypersdk.queue.OutputNames;
import io.hypersdk.queue.QueueLayout;
import io.hypersdk.queue.StageReport;
import io.hypersdk.queue.StreamedDisks;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;


/** {@code hyperconvert}: converts the disks of an Artifact Manifest to KVM, or serves a hyper2kvm queue. */
@Command(name = "hyperconvert", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {"Converts the disks of an Artifact Manifest v1.0 with qemu-img and writes a libvirt domain.",
        "Compatible with hyper2kvm: prints one 'Output: PATH' line per converted disk."},
    subcommands = {DaemonCommand.class, BootCheckCommand.class, AutoComplete.GenerateCompletion.class})
@ExitCodes({OK, INTERNAL, USAGE, INVALID_MANIFEST, CONVERSION_FAILED, VALIDATION_FAILED, ENVIRONMENT, INTERRUPTED})
public final class HyperConvert implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "MANIFEST", arity = "0..1",
      description = "The Artifact Manifest (JSON, or YAML when named .yaml/.yml).")
  Path manifestPath;

  @Option(names = {"-v", "--verbose"}, description = "Show qemu-img commands, stage details and progress.")
  boolean verbose;

  @Option(names = "--dry-run", description = "Validate and show what would be done; write nothing.")
  boolean dryRun;

  @Mixin
  JsonOutput json;

  @Option(names = "--output-dir", paramLabel = "DIR",
      description = "Where outputs go (default: the manifest's output.directory, else the manifest's folder).")
  Path outputDir;

  @Mixin
  BootCheckOptions bootCheck;

  @Option(names = "--converter", paramLabel = "NAME",
      description = "native: the built-in single-pass converter takes streamOptimized and monolithicSparse VMDK, raw "
          + "and fixed VHD into qcow2, qemu-img the rest (default); qemu-img: qemu-img converts every disk.")
  String converter;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command that runs this converter with the current Java and class path: what hyperexport and
   * hypervisord run in direct mode when no hyper2kvm is given or on PATH.
   */
  public static List<String> inThisJvm() {
    String java = ProcessHandle.current().info().command().orElse("java");
    return List.of(java, "-cp", System.getProperty("java.class.path"), HyperConvert.class.getName());
  }

  /** The command line with the project's error handling: one line per error, never a stack trace. */
  public static CommandLine commandLine() {
    return Cli.withProjectErrors(new CommandLine(new HyperConvert()));
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (manifestPath == null) {
      err.println("hyperconvert: a MANIFEST is required (or the 'daemon' command); see 'hyperconvert --help'");
      return USAGE.code();
    }
    if (bootCheck.problem() != null) {
      err.println("hyperconvert: " + bootCheck.problem());
      return USAGE.code();
    }
    if (converter != null && !io.hypersdk.queue.DaemonConfig.CONVERTERS.contains(converter)) {
      err.println("hyperconvert: --converter must be native or qemu-img, not '" + converter + "'");
      return USAGE.code();
    }
    Cli.logLevel(verbose);
    try {
      ArtifactManifest manifest = ManifestIO.read(manifestPath);
      ManifestValidator.requireValid(manifest, manifestPath.getFileName().toString(), FileChecks.NONE);
      boolean dry = dryRun || (manifest.options() != null && manifest.options().isDryRun());
      Path outDir = outputDir != null ? outputDir
          : manifest.output() != null && manifest.output().directory() != null ? Path.of(manifest.output().directory())
          : manifestPath.toAbsolutePath().getParent();
      String jobId = manifest.jobId() != null ? OutputNames.requireJobId(manifest.jobId())
          : "direct-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
      String vmStem = OutputNames.vmStem(manifest.vmName());
      // A streaming export converted some disks already and may not have kept their sources: the conversion
      // checks those against the checksums of their streams, and the other disks as usual.
      boolean streamed = Files.exists(QueueLayout.workDir(outDir.toAbsolutePath().normalize()).resolve(jobId)
          .resolve(StreamedDisks.FILE_NAME));
      if (!streamed) {
        // Checksums are checked during the conversion (by the native converter's own pass, or beside qemu-img),
        // before anything is published: reading every source here first would read it twice.
        ManifestValidator.requireValid(manifest, manifestPath.getFileName().toString(), FileChecks.PRESENCE);
      }
      if (!dry) {
        requireWritableDir(outDir);
      }
      String format = manifest.output() != null && manifest.output().format() != null ? manifest.output().format()
          : "qcow2";
      boolean compress = manifest.effectivePipeline().convert().compress();
      ConversionRequest request = ConversionRequest.builder(manifest, jobId, vmStem, outDir)
          .manifestName(manifestPath.getFileName().toString())
          .primaryFileName(manifest.output() == null ? null : manifest.output().filename())
          .outFormat(format)
          .compress(compress)
          .nativeConverter(converter == null || io.hypersdk.queue.OutputFile.CONVERTER_NATIVE.equals(converter))
          .dryRun(dry)
          .events(new ConsoleEvents(json.enabled() ? err : out, verbose))
          .bootCheckOverride(new Pipeline.BootCheck(bootCheck.mode(), bootCheck.timeoutSeconds()))
          .build();
      ConversionResult result;
      try {
        result = new ConversionRunner(QemuImg.locate()).run(request);
      } finally {
        removeIfEmpty(request.stagingDir().getParent());
      }
      print(result, out);
      return OK.code();
    } catch (InvalidManifestException e) {
      err.println("hyperconvert: " + e.getMessage());
      return ExitCode.INVALID_MANIFEST.code();
    } catch (ManifestException | IllegalArgumentException e) {
      err.println("hyperconvert: invalid manifest: " + e.getMessage());
      return ExitCode.INVALID_MANIFEST.code();
    } catch (ConversionException e) {
      if (e instanceof BootCheckFailedException b) {
        out.println("Serial console (last " + b.report().serialTail().size() + " lines):");
        b.report().serialTail().forEach(l -> out.println("  " + l));
        out.flush();
      }
      err.println("hyperconvert: " + e.getMessage());
      return switch (e.kind()) {
        case INVALID_MANIFEST -> ExitCode.INVALID_MANIFEST.code();
        case CONVERSION -> ExitCode.CONVERSION_FAILED.code();
        case VALIDATION -> ExitCode.VALIDATION_FAILED.code();
        case ENVIRONMENT -> ExitCode.ENVIRONMENT.code();
      };
    } catch (InterruptedException e) {
      err.println("hyperconvert: interrupted; partial outputs were removed");
      return INTERRUPTED.code();
    } catch (IOException e) {
      err.println("hyperconvert: " + e.getMessage());
      return ExitCode.ENVIRONMENT.code();
    }
  }

  private void print(ConversionResult result, PrintWriter out) throws IOException {
    if (json.enabled()) {
      JsonOutput.print(out, result);
      return;
    }
    for (String w : result.warnings()) {
      out.println("Warning: " + w);
    }
    if (!ConversionResult.DRY_RUN.equals(result.status())) {
      for (OutputFile f : result.disks()) {
        out.println("Output: " + f.path());
      }
      out.println("Domain: " + result.domainXml());
    } else {
      for (OutputFile f : result.disks()) {
        out.println("Would write: " + f.path());
      }
    }
    if (result.bootCheck() != null) {
      out.println("Boot check: " + result.bootCheck().status() + ": " + result.bootCheck().reason()
          + (result.bootCheck().accel() == null ? "" : " (accel " + result.bootCheck().accel() + ")"));
    }
    out.println("Result: status=" + result.status() + " job_id=" + result.jobId() + " disks=" + result.disks().size()
        + " domain=" + result.domainXml() + " total_ms=" + result.timingsMs().getOrDefault("total", 0L));
    out.flush();
  }

  /** The direct mode's {@code .work} folder goes once no conversion stages there. */
  private static void removeIfEmpty(Path dir) {
    try {
      Files.deleteIfExists(dir);
    } catch (IOException notEmpty) {
      // Another conversion into the same folder is staging there.
    }
  }

  private static void requireWritableDir(Path dir) throws ConversionException {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new ConversionException(ConversionException.Kind.ENVIRONMENT, "cannot create output folder " + dir + ": "
          + e.getMessage());
    }
    if (!Files.isWritable(dir)) {
      throw new ConversionException(ConversionException.Kind.ENVIRONMENT, "output folder " + dir
          + " is not writable by this user");
    }
  }

  /** Stage lines and, with -v, commands and progress in 10% steps: plain lines, fit for logs and pipes. */
  private static final class ConsoleEvents implements ConversionEvents {
    private final PrintWriter out;
    private final boolean verbose;
    private final Map<String, Long> lastDecile = new HashMap<>();

    ConsoleEvents(PrintWriter out, boolean verbose) {
      this.out = out;
      this.verbose = verbose;
    }

    @Override
    public void stage(StageReport r) {
      out.println("Stage " + r.stage() + ": " + r.status() + ": " + r.message());
      out.flush();
    }

    @Override
    public void command(String commandLine) {
      if (verbose) {
        out.println("Running: " + commandLine);
        out.flush();
      }
    }

    @Override
    public void diskProgress(String diskId, int index, int count, double fraction) {
      long decile = (long) Math.floor(fraction * 10);
      Long last = lastDecile.put(diskId, decile);
      if (verbose && (last == null || decile > last)) {
        out.println("Progress: disk " + (index + 1) + "/" + count + " (" + diskId + ") " + Math.round(fraction * 100) + "%");
        out.flush();
      }
    }
  }
}
