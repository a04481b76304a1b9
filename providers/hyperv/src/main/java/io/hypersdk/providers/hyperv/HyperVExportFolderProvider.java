package io.hypersdk.providers.hyperv;

import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedDisk;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import io.hypersdk.providers.VmInfo;
import io.hypersdk.providers.VmSummary;
import io.hypersdk.providers.ovf.HashingCopy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** The {@code hyperv-export} provider: reads an Export-VM folder and copies its disks, hashing them as written. */
final class HyperVExportFolderProvider implements Provider {
  private final Path root;

  HyperVExportFolderProvider(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public String name() {
    return "hyperv-export";
  }

  @Override
  public List<VmSummary> listVms() throws ProviderException {
    List<VmSummary> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(root)) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator) {
        if (ExportFolder.isExport(p)) {
          try {
            VmInfo vm = ExportFolder.read(p).vm();
            out.add(new VmSummary(p.toString(), vm.name(), vm.powerState(), vm.cpu(), vm.memoryMiB(),
                vm.disks().size()));
          } catch (ProviderException unreadable) {
            // Listed by vmInfo with its reason; a listing shows the folders that can be exported.
          }
        }
      }
    } catch (IOException e) {
      throw new ProviderException(Kind.INVALID_REQUEST, "cannot list " + root + ": " + e.getMessage());
    }
    return out;
  }

  @Override
  public VmInfo vmInfo(String vm) throws ProviderException {
    return ExportFolder.read(root.resolve(vm)).vm();
  }

  @Override
  public ExportedVm export(ExportRequest request, ExportProgress progress) throws ProviderException,
      InterruptedException {
    ExportFolder folder = ExportFolder.read(root.resolve(request.vm()));
    Path out = request.outputDir().toAbsolutePath().normalize();
    List<ExportedDisk> disks = new ArrayList<>();
    try {
      Files.createDirectories(out);
      long total = 0;
      for (Path f : folder.diskFiles()) {
        total += Files.size(f);
      }
      progress.start(total);
      for (int i = 0; i < folder.diskFiles().size(); i++) {
        Path f = folder.diskFiles().get(i);
        String ext = f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".vhd") ? "vhd" : "vhdx";
        HashingCopy.Copied c;
        try (InputStream in = Files.newInputStream(f)) {
          c = HashingCopy.copy(in, Files.size(f), out.resolve("disk" + i + "." + ext), progress);
        }
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException("export interrupted");
        }
        disks.add(new ExportedDisk("disk" + i, c.path().toString(), ext, c.bytes(), c.sha256(), i,
            f.getFileName().toString()));
      }
    } catch (IOException e) {
      throw new ProviderException(Kind.EXPORT_FAILED, "cannot copy the disks of " + folder.folder() + " to " + out
          + ": " + e.getMessage(), e);
    }
    progress.finish();
    return new ExportedVm(folder.vm(), disks, null, null, "hyperv-export-folder", List.of());
  }
}
