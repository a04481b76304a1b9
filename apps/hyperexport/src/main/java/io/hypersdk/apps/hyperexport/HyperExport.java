package io.hypersdk.apps.hyperexport;

import static io.hypersdk.cli.ExitCode.*;

import io.hypersdk.apps.hyperconvert.HyperConvert;
import io.hypersdk.cli.BootCheckOptions;
import io.hypersdk.cli.Cli;
import io.hypersdk.cli.ConfigDirOption;
import io.hypersdk.cli.ExitCodes;
import io.hypersdk.cli.JsonOutput;
import io.hypersdk.cli.ProviderOptions;
import io.hypersdk.cli.StopSignals;
import io.hypersdk.cli.VersionProvider;
import io.hypersdk.migration.MigrationOptions;
import io.hypersdk.migration.MigrationRequest;
import io.hypersdk.migration.MigrationRequestMapper;
import io.hypersdk.migration.MigrationResult;
import io.hypersdk.migration.MigrationRunner;
import io.hypersdk.pipeline.JobOutcome;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.pipeline.PipelineResult;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.Providers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;


/** {@code hyperexport}: exports a VM, writes its Artifact Manifest, and runs the conversion pipeline. */
@Command(name = "hyperexport", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false, subcommands = AutoComplete.GenerateCompletion.class,
    description = {"Exports a VM from a provider, writes OUTPUT/artifact-manifest.json, and with --pipeline converts "
        + "it to qcow2 with a libvirt domain: through the hyper2kvm daemon (--hyper2kvm-daemon) when one is running, "
        + "otherwise by running the converter directly."})
@ExitCodes({OK, INTERNAL, USAGE, NOT_FOUND, EXPORT_FAILED, CONVERSION_FAILED, ENVIRONMENT, TIMED_OUT,
    PERMISSION_DENIED, QUOTA_EXCEEDED, NETWORK, REGION_MISMATCH, INTERRUPTED})
public final class HyperExport implements Callable<Integer> {

  @Option(names = "--vm", paramLabel = "VM", description = "The VM: for vsphere, an inventory path (/DC0/vm/web01) or "
      + "a unique name; for local, an OVA, OVF (or its folder), or disk images separated by commas.")
  String vm;

  @Option(names = "--list", description = "List the provider's VMs (path, power state, vCPUs, memory, disks) and exit.")
  boolean list;

  @Option(names = "--vm-info", description = "Describe the VM given with --vm and exit.")
  boolean vmInfo;

  @Option(names = "--list-providers", description = "List the providers of this build (with --json: each with its "
      + "settings, as hypervisord's GET /providers) and exit.")
  boolean listProviders;

  @Option(names = "--provider", paramLabel = "NAME", defaultValue = "vsphere",
      description = "Source platform (default: ${DEFAULT-VALUE}).")
  String provider;

  @Option(names = "--output", paramLabel = "DIR", description = "Export folder.")
  Path output;

  @Option(names = "--format", paramLabel = "ovf|ova", defaultValue = "ovf",
      description = "Descriptor written beside the disks: ovf, or ova to also pack an OVA (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--manifest", description = "Write OUTPUT/artifact-manifest.json (implied by --pipeline).")
  boolean manifest;

  @Option(names = "--pipeline", arity = "0..1", fallbackValue = "true", defaultValue = "false", paramLabel = "BOOL",
      description = "Convert after export (--pipeline=false: export and manifest only).")
  boolean pipeline;

  @Option(names = "--keep-source", description = "With --pipeline in direct mode, vSphere disks are converted while "
      + "they download and their VMDK files are not written; this keeps them too, written from the same stream.")
  boolean keepSource;

  @Option(names = "--no-fix", description = "Convert the disks without changing the guest: the manifest says "
      + "pipeline.fix.enabled false, so the converter skips its fix stage (drivers, fstab, VMware tools, network).")
  boolean noFix;

  @Mixin
  BootCheckOptions bootCheck;

  @Option(names = "--hyper2kvm-path", paramLabel = "PATH",
      description = "Converter for direct mode (default: hyper2kvm on PATH, else the bundled hyperconvert).")
  Path hyper2kvmPath;

  @Option(names = "--libvirt", description = "Define the converted VM in libvirt.")
  boolean libvirt;

  @Option(names = "--libvirt-uri", paramLabel = "URI", defaultValue = PipelineOptions.DEFAULT_LIBVIRT_URI,
      description = "libvirt connection (default: ${DEFAULT-VALUE}).")
  String libvirtUri;

  @Option(names = "--libvirt-autostart", description = "Mark the defined domain to start with the host.")
  boolean libvirtAutostart;

  @Option(names = "--hyper2kvm-daemon", description = "Use the hyper2kvm daemon when one is running; else direct mode.")
  boolean daemon;

  @Option(names = "--hyper2kvm-instance", paramLabel = "NAME", description = "Daemon instance (hyper2kvm@NAME.service).")
  String instance;

  @Option(names = "--hyper2kvm-watch-dir", paramLabel = "PATH",
      description = "Daemon queue folder (default: from the instance's config, else /var/lib/hyper2kvm/queue).")
  Path watchDir;

  @Option(names = "--hyper2kvm-output-dir", paramLabel = "PATH",
      description = "Daemon output folder (default: from the instance's config, else /var/lib/hyper2kvm/output).")
  Path daemonOutputDir;

  @Mixin
  ConfigDirOption configDir;

  @Option(names = "--hyper2kvm-poll-interval", paramLabel = "SEC", defaultValue = "5",
      description = "Polling period while waiting for the daemon (default: ${DEFAULT-VALUE}).")
  double pollSeconds;

  @Option(names = "--hyper2kvm-daemon-timeout", paramLabel = "MIN", defaultValue = "60",
      description = "How long to wait for the daemon (default: ${DEFAULT-VALUE}).")
  double timeoutMinutes;

  @Option(names = "--dry-run", description = "Export and write the manifest, but only show what the conversion would do.")
  boolean dryRun;

  @Option(names = {"-q", "--quiet"}, description = "Only errors and the final result.")
  boolean quiet;

  @Option(names = {"-v", "--verbose"}, description = "More detail, including the converter's own output.")
  boolean verbose;

  @Mixin
  JsonOutput json;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private ProviderOptions providerOptions;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with the project's error handling: one line per error, never a stack trace. */
  public static CommandLine commandLine() {
    HyperExport app = new HyperExport();
    CommandLine cl = new CommandLine(app);
    // The provider flags (--vcenter-url, --password-file, ...) come from the providers' declared settings.
    app.providerOptions = ProviderOptions.addTo(cl.getCommandSpec(), Providers.discover());
    return Cli.withProjectErrors(cl);
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Cli.logLevel(verbose);
    String usage = checkUsage();
    if (usage != null) {
      err.println("hyperexport: " + usage);
      return USAGE.code();
    }
    if (listProviders) {
      return ProviderList.print(Providers.discover(), json.enabled(), out);
    }
    if (list || vmInfo) {
      return inspect(out, err);
    }
    MigrationRequest request;
    try {
      request = new MigrationRequestMapper(configDir.resolved(), HyperConvert.inThisJvm())
          .request(vm, output, format, migrationOptions());
    } catch (IllegalArgumentException e) {
      err.println("hyperexport: " + e.getMessage());
      return USAGE.code();
    }
    // Ctrl-C interrupts the run, so a queued manifest can be withdrawn before the process ends.
    StopSignals.interrupt(Thread.currentThread());
    Console console = new Console(err, quiet, verbose, json.enabled());
    try (Provider p = Providers.discover().get(provider).open(providerSettings())) {
      MigrationResult result = new MigrationRunner(p).run(request, console);
      console.close();
      print(result, out);
      return exitCode(result);
    } catch (ProviderException e) {
      console.close();
      err.println("hyperexport: " + e.getMessage());
      return exitCode(e.kind(), ENVIRONMENT);
    } catch (InterruptedException e) {
      console.close();
      err.println("hyperexport: interrupted");
      return INTERRUPTED.code();
    } catch (IOException e) {
      err.println("hyperexport: " + e.getMessage());
      return INTERNAL.code();
    }
  }

  private String checkUsage() {
    if (bootCheck.problem() != null) {
      return bootCheck.problem();
    }
    if (listProviders) {
      return null;
    }
    if (list && vmInfo) {
      return "--list and --vm-info exclude each other";
    }
    if (vm == null && !list) {
      return vmInfo ? "--vm-info needs --vm" : "--vm is required";
    }
    if (list || vmInfo) {
      return null;
    }
    if (output == null) {
      return "--output is required";
    }
    if (!format.equalsIgnoreCase("ovf") && !format.equalsIgnoreCase("ova")) {
      return "--format must be ovf or ova, not '" + format + "'";
    }
    if (!(pollSeconds > 0) || !(timeoutMinutes > 0)) {
      return "--hyper2kvm-poll-interval and --hyper2kvm-daemon-timeout must be positive";
    }
    if (!pipeline && (daemon || libvirt || hyper2kvmPath != null)) {
      return "--hyper2kvm-daemon, --libvirt and --hyper2kvm-path need --pipeline";
    }
    if (!pipeline && keepSource) {
      return "--keep-source needs --pipeline: an export without a conversion always keeps the source disks";
    }
    return null;
  }

  /**
   * Connection and export settings for the provider, from its flags. The password is never among them (the
   * provider reads it from a file or the environment), so these settings are safe to show.
   */
  private ProviderSettings providerSettings() throws ProviderException {
    return providerOptions.settings(spec.commandLine().getParseResult(), provider);
  }

  /** {@code --list} and {@code --vm-info}: read-only questions to the provider. */
  private int inspect(PrintWriter out, PrintWriter err) {
    try (Provider p = Providers.discover().get(provider).open(providerSettings())) {
      if (list) {
        VmListing.printList(p.listVms(), json.enabled(), out);
      } else {
        VmListing.printInfo(p.vmInfo(vm), json.enabled(), out);
      }
      out.flush();
      return OK.code();
    } catch (ProviderException e) {
      err.println("hyperexport: " + e.getMessage());
      return exitCode(e.kind(), ENVIRONMENT);
    } catch (IOException e) {
      err.println("hyperexport: " + e.getMessage());
      return INTERNAL.code();
    }
  }

  private MigrationOptions migrationOptions() {
    return MigrationOptions.builder()
        .writeManifest(manifest)
        .pipeline(pipeline)
        .hyper2kvmPath(hyper2kvmPath)
        .daemon(daemon)
        .instance(instance)
        .watchDir(watchDir)
        .daemonOutputDir(daemonOutputDir)
        .pollSeconds(pollSeconds)
        .timeoutMinutes(timeoutMinutes)
        .libvirt(libvirt)
        .libvirtUri(libvirtUri)
        .fix(!noFix)
        .keepSource(keepSource)
        .bootCheck(bootCheck.mode())
        .bootCheckTimeoutSeconds(bootCheck.timeoutSeconds())
        .libvirtAutostart(libvirtAutostart)
        .dryRun(dryRun)
        .verbose(verbose)
        .build();
  }

  private void print(MigrationResult r, PrintWriter out) throws IOException {
    if (json.enabled()) {
      JsonOutput.print(out, r);
      return;
    }
    if (r.export() != null) {
      out.println("VM: " + r.vm() + " (" + r.export().disks().size() + " disk(s) exported in " + r.exportMs() + " ms)");
    }
    if (r.manifest() != null) {
      out.println("Manifest: " + r.manifest());
    }
    PipelineResult p = r.pipeline();
    if (p != null) {
      out.println("Mode: " + p.execution().mode() + " (" + p.execution().reason() + ")");
      if (p.converter() != null) {
        out.println("Converter: " + p.converter());
      }
      p.outputs().forEach(o -> out.println("Output: " + o));
      if (p.domainXml() != null) {
        out.println("Domain XML: " + p.domainXml());
      }
      if (p.libvirtDefined()) {
        out.println("Libvirt domain: " + p.libvirtDomain() + " on " + libvirtUri);
      }
      if (!p.changes().isEmpty()) {
        out.println("Guest changes: " + p.changes().size() + " (listed in the converter's result.json)");
      }
      if (p.bootCheck() != null) {
        out.println("Boot check: " + p.bootCheck().status() + (p.bootCheck().reason() == null ? ""
            : " (" + p.bootCheck().reason() + ")"));
      }
      if (p.jobState() != null && !p.success()) {
        out.println("Job state: " + p.jobState());
      }
    }
    out.println("Result: " + (r.success() ? "success" : "failed") + (p == null ? "" : " in "
        + p.durationsMs().getOrDefault("total", 0L) + " ms"));
    out.flush();
    if (!r.success()) {
      spec.commandLine().getErr().println("hyperexport: " + r.error());
    }
  }

  private static int exitCode(MigrationResult r) {
    if (r.success()) {
      return OK.code();
    }
    PipelineResult p = r.pipeline();
    // Refused credentials, a missing permission, a quota, the network, a region mismatch, a missing setting and a
    // missing staging place each have their own code.
    if (r.providerFailure() != null && EnumSet.of(ProviderException.Kind.CREDENTIALS,
        ProviderException.Kind.PERMISSION, ProviderException.Kind.QUOTA, ProviderException.Kind.NETWORK,
        ProviderException.Kind.REGION_MISMATCH, ProviderException.Kind.MISSING_SETTING,
        ProviderException.Kind.ENVIRONMENT).contains(r.providerFailure())) {
      return exitCode(r.providerFailure(), EXPORT_FAILED);
    }
    if (p == null) {
      return switch (r.failedStep()) {
        case SOURCE -> NOT_FOUND.code();
        case EXPORT -> EXPORT_FAILED.code();
        default -> ENVIRONMENT.code();
      };
    }
    if (p.jobState() != null && p.jobState().waitEnded()) {
      return TIMED_OUT.code();
    }
    return p.jobState() == JobOutcome.NOT_SUBMITTED ? ENVIRONMENT.code() : CONVERSION_FAILED.code();
  }

  /** The exit code of a provider failure; {@code failed} for one that is none of the named kinds. */
  private static int exitCode(ProviderException.Kind kind, io.hypersdk.cli.ExitCode failed) {
    return switch (kind) {
      case INVALID_REQUEST, MISSING_SETTING -> USAGE.code();
      case NOT_FOUND -> NOT_FOUND.code();
      case CREDENTIALS, ENVIRONMENT -> ENVIRONMENT.code();
      case REGION_MISMATCH -> REGION_MISMATCH.code();
      case PERMISSION -> PERMISSION_DENIED.code();
      case QUOTA -> QUOTA_EXCEEDED.code();
      case NETWORK -> NETWORK.code();
      case EXPORT_FAILED -> failed.code();
    };
  }
}
