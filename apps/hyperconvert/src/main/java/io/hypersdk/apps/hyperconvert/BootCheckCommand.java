package io.hypersdk.apps.hyperconvert;

import io.hypersdk.cli.Cli;
import io.hypersdk.cli.ExitCode;
import io.hypersdk.cli.ExitCodes;
import io.hypersdk.cli.JsonOutput;
import io.hypersdk.cli.VersionProvider;
import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.bootcheck.BootCheck;
import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.queue.BootCheckReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hyperconvert boot-check}: boots an existing domain headless on throwaway overlays and reports. */
@Command(name = "boot-check", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {"Boots a libvirt domain's disks headless with qemu on throwaway overlays (the disks are only "
        + "read) and reports whether the guest reached a login prompt and its NIC got an address.",
        "Works on any converter's domain XML, e.g. virt-v2v -o local's."})
@ExitCodes({ExitCode.OK, ExitCode.INTERNAL, ExitCode.USAGE, ExitCode.CONVERSION_FAILED, ExitCode.ENVIRONMENT,
    ExitCode.INTERRUPTED})
final class BootCheckCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "DOMAIN_XML", description = "The libvirt domain XML to boot.")
  Path domainXml;

  @Option(names = "--timeout", paramLabel = "SECONDS",
      description = "Give up when the guest is not up after this long (default: 300).")
  long timeoutSeconds = BootCheck.DEFAULT_TIMEOUT.toSeconds();

  @Option(names = "--no-network-check",
      description = "Pass on a login prompt alone; by default a NIC of the domain must also get an address.")
  boolean noNetworkCheck;

  @Option(names = {"-v", "--verbose"}, description = "Show the accelerator decision and the qemu command line.")
  boolean verbose;

  @Mixin
  JsonOutput json;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isRegularFile(domainXml) || !Files.isReadable(domainXml)) {
      err.println("hyperconvert boot-check: " + domainXml + " is not a readable file; give the domain XML to boot");
      return ExitCode.USAGE.code();
    }
    if (timeoutSeconds <= 0) {
      err.println("hyperconvert boot-check: --timeout must be a positive number of seconds, not " + timeoutSeconds);
      return ExitCode.USAGE.code();
    }
    Cli.logLevel(verbose);
    try {
      BootCheckReport r = BootCheck.forThisHost(QemuImg.locate()).run(domainXml,
          BootCheck.Options.of(Duration.ofSeconds(timeoutSeconds)).withRequireNetwork(!noNetworkCheck));
      if (json.enabled()) {
        JsonOutput.print(out, r);
      } else {
        if (!BootCheckReport.PASSED.equals(r.status())) {
          out.println("Serial console (last " + r.serialTail().size() + " lines):");
          r.serialTail().forEach(l -> out.println("  " + l));
        }
        out.println("Boot check: " + r.status() + ": " + r.reason() + " (accel " + r.accel() + ")");
        out.flush();
      }
      return BootCheckReport.PASSED.equals(r.status()) ? ExitCode.OK.code() : ExitCode.CONVERSION_FAILED.code();
    } catch (ConversionException e) {
      err.println("hyperconvert boot-check: " + e.getMessage());
      return switch (e.kind()) {
        case ENVIRONMENT -> ExitCode.ENVIRONMENT.code();
        case INVALID_MANIFEST, VALIDATION, CONVERSION -> ExitCode.CONVERSION_FAILED.code();
      };
    } catch (InterruptedException e) {
      err.println("hyperconvert boot-check: interrupted; qemu was stopped");
      return ExitCode.INTERRUPTED.code();
    }
  }
}
