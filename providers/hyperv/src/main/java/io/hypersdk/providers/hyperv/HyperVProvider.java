package io.hypersdk.providers.hyperv;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedDisk;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import io.hypersdk.providers.VmInfo;
import io.hypersdk.providers.VmSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code hyperv} provider. PowerShell on the host describes the VM; a running VM is refused unless
 * power_off; a disk with checkpoints is merged on the host into a temporary VHDX (removed however the export
 * ends) or refused; the VHDX files are then copied over SFTP, or in chunks over WinRM, hashed as they are written.
 */
final class HyperVProvider implements Provider {
  static final String EXPORT_METHOD = "hyperv-sftp";
  static final String EXPORT_METHOD_WINRM = "hyperv-winrm";
  private static final Logger LOG = LoggerFactory.getLogger(HyperVProvider.class);
  private static final Duration QUERY = Duration.ofMinutes(2);
  private static final Duration MERGE = Duration.ofHours(12);
  private final HyperVConfig config;
  private final PowerShellHost host;
  private final PowerShell ps;
  private final HostFiles files;

  HyperVProvider(HyperVConfig config) throws ProviderException {
    this.config = config;
    this.host = config.winrm() ? WinRmHost.connect(config) : SshHost.connect(config);
    this.ps = new PowerShell(host);
    this.files = host instanceof SshHost ssh ? new SftpCopy(ssh) : new WinRmFiles(ps);
  }

  @Override
  public String name() {
    return "hyperv";
  }

  @Override
  public String server() {
    return "Hyper-V host " + config.host();
  }

  @Override
  public List<VmSummary> listVms() throws ProviderException {
    List<VmSummary> out = new ArrayList<>();
    for (JsonNode v : query(PowerShell.Script.LIST, Map.of())) {
      out.add(new VmSummary(v.path("Name").asText(), v.path("Name").asText(), v.path("State").asText(),
          v.path("ProcessorCount").asInt(), v.path("MemoryStartup").asLong() / (1024 * 1024), v.path("Disks").asInt()));
    }
    return out;
  }

  @Override
  public VmInfo vmInfo(String vm) throws ProviderException {
    return describe(vm).info();
  }

  private HostVm describe(String vm) throws ProviderException {
    return HostVm.parse(query(PowerShell.Script.VM, Map.of("name", vm)));
  }

  private JsonNode query(PowerShell.Script script, Map<String, ?> data) throws ProviderException {
    try {
      return ps.run(script, data, QUERY);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(Kind.EXPORT_FAILED, "interrupted");
    }
  }

  @Override
  public ExportedVm export(ExportRequest request, ExportProgress progress) throws ProviderException,
      InterruptedException {
    HostVm vm = describe(request.vm());
    List<String> warnings = new ArrayList<>();
    vm = stopped(vm, warnings);
    checkDisks(vm);
    Path out = request.outputDir().toAbsolutePath().normalize();
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new ProviderException(Kind.INVALID_REQUEST, "cannot create output folder " + out + ": " + e.getMessage());
    }
    List<String> merged = new ArrayList<>();
    try {
      List<String> sources = new ArrayList<>();
      for (HostVm.Disk d : vm.disks()) {
        sources.add(d.differencing() ? merge(vm, d, merged, warnings) : d.path());
      }
      List<ExportedDisk> disks = new HostFileCopy(files, config.parallel(), progress).copy(vm, sources, out);
      progress.finish();
      return new ExportedVm(vm.info(), disks, null, null, config.winrm() ? EXPORT_METHOD_WINRM : EXPORT_METHOD,
          warnings);
    } finally {
      removeMerged(merged);
    }
  }

  /**
   * The VM, off. A running (or paused) VM is refused unless power_off; a saved VM is always refused, since
   * its disks are only consistent with the memory image Hyper-V keeps beside them.
   */
  private HostVm stopped(HostVm vm, List<String> warnings) throws ProviderException, InterruptedException {
    String state = vm.state();
    if (state.startsWith("Saved")) {
      throw new ProviderException(Kind.INVALID_REQUEST, "VM " + vm.name() + " is saved (" + state + "): its disks "
          + "go with the memory image Hyper-V keeps; start it and shut it down from the guest, or discard the "
          + "saved state (Remove-VMSavedState), then export again");
    }
    if (state.equals("Off")) {
      return vm;
    }
    if (!config.powerOff()) {
      throw new ProviderException(Kind.INVALID_REQUEST, "VM " + vm.name() + " is " + state + ": pass --power-off to "
          + "shut it down (turned off hard after --shutdown-timeout), or shut it down yourself");
    }
    LOG.info("shutting down VM {} on {} (turned off after {} s)", vm.name(), config.host(),
        config.shutdownTimeout().toSeconds());
    JsonNode r = ps.run(PowerShell.Script.STOP, Map.of("name", vm.id(), "timeoutSeconds",
        config.shutdownTimeout().toSeconds()), config.shutdownTimeout().plus(QUERY));
    warnings.add(r.path("TurnedOff").asBoolean() ? "VM " + vm.name() + " did not shut down within "
        + config.shutdownTimeout().toSeconds() + " s and was turned off" : "VM " + vm.name() + " was shut down");
    return describe(vm.id());
  }

  private void checkDisks(HostVm vm) throws ProviderException {
    if (vm.disks().isEmpty()) {
      throw new ProviderException(Kind.INVALID_REQUEST, "VM " + vm.name() + " has no virtual hard disk to export");
    }
    for (HostVm.Disk d : vm.disks()) {
      if (d.path() == null || d.chain().isEmpty()) {
        throw new ProviderException(Kind.INVALID_REQUEST, "disk " + d.position() + " of VM " + vm.name() + " is a "
            + "physical (pass-through) disk, which cannot be copied: detach it or copy its data another way");
      }
      if (d.differencing() && config.noMerge()) {
        throw new ProviderException(Kind.INVALID_REQUEST, "disk " + d.position() + " of VM " + vm.name() + " has "
            + "checkpoints (" + d.fileName() + " is a differencing disk of a chain of " + d.chain().size()
            + " files), which qemu cannot read: run without --no-merge to merge the chain into a temporary VHDX "
            + "on the host, or delete the VM's checkpoints");
      }
    }
  }

  /** Merges the chain with Convert-VHD into hypersdk-merge-GUID.vhdx beside the attached file. */
  private String merge(HostVm vm, HostVm.Disk d, List<String> merged, List<String> warnings)
      throws ProviderException, InterruptedException {
    String folder = d.path().substring(0, Math.max(d.path().lastIndexOf('\\'), 0));
    String target = folder + "\\hypersdk-merge-" + UUID.randomUUID() + ".vhdx";
    LOG.info("merging the checkpoint chain of disk {} of VM {} ({} files) into {}", d.position(), vm.name(),
        d.chain().size(), target);
    merged.add(target);
    ps.run(PowerShell.Script.MERGE, Map.of("path", d.path(), "destination", target), MERGE);
    warnings.add("disk " + d.position() + ": checkpoint chain of " + d.chain().size() + " files merged into "
        + target + " on the host (removed after the copy)");
    return target;
  }

  /** Removes every merged VHDX, also after a failure or Ctrl-C; one that stays is named in the log. */
  private void removeMerged(List<String> merged) {
    boolean interrupted = Thread.interrupted();
    try {
      for (String path : merged) {
        try {
          JsonNode r = ps.run(PowerShell.Script.REMOVE, Map.of("path", path), QUERY);
          if (r.path("Removed").asBoolean()) {
            LOG.info("removed the merged disk {} on {}", path, config.host());
          } else {
            LOG.warn("could not remove the merged disk {} on {}: delete it by hand", path, config.host());
          }
        } catch (ProviderException | InterruptedException e) {
          LOG.warn("could not remove the merged disk {} on {} ({}): delete it by hand", path, config.host(),
              e.getMessage());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    host.close();
  }
}
