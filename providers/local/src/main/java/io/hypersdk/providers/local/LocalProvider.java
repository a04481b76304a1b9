package io.hypersdk.providers.local;

import io.hypersdk.providers.DiskInfo;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedDisk;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.VmInfo;
import io.hypersdk.providers.VmSummary;
import io.hypersdk.providers.ovf.HashingCopy;
import io.hypersdk.providers.ovf.OvfDescriptor;
import io.hypersdk.providers.ovf.OvfPackage;
import io.hypersdk.providers.ovf.Tar;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code local} provider: an OVA, an OVF folder, or disk images already on this machine are the VM.
 * Exporting copies the disks into the output folder, hashing them as they are written.
 */
public final class LocalProvider implements Provider {
  private final Path root;

  LocalProvider(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public String name() {
    return "local";
  }

  /** The OVAs, OVF folders and standalone disk images directly under the root folder. */
  @Override
  public List<VmSummary> listVms() throws ProviderException {
    List<VmSummary> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(root)) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator) {
        String ext = LocalSource.extension(p);
        boolean candidate = ext.equals("ova") || ext.equals("ovf") || LocalSource.IMAGE_FORMATS.containsKey(ext);
        if (candidate && Files.isRegularFile(p)) {
          try {
            VmInfo vm = vmInfo(p.toString());
            out.add(new VmSummary(p.toString(), vm.name(), vm.powerState(), vm.cpu(), vm.memoryMiB(), vm.disks().size()));
          } catch (ProviderException unreadable) {
            // Not a VM after all (e.g. a stray .img): not listed.
          }
        }
      }
    } catch (IOException e) {
      throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "cannot list " + root + ": " + e.getMessage());
    }
    return out;
  }

  @Override
  public VmInfo vmInfo(String vm) throws ProviderException {
    return vmInfo(LocalSource.resolve(vm));
  }

  private VmInfo vmInfo(LocalSource src) throws ProviderException {
    return switch (src.kind()) {
      case OVF -> withPath(readOvf(src.path()), src.path());
      case OVA -> withPath(readOvaDescriptor(src.path()), src.path());
      case IMAGES -> fromImages(src);
    };
  }

  @Override
  public ExportedVm export(ExportRequest request, ExportProgress progress) throws ProviderException,
      InterruptedException {
    LocalSource src = LocalSource.resolve(request.vm());
    VmInfo vm = vmInfo(src);
    Path out = request.outputDir().toAbsolutePath().normalize();
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "cannot create output folder " + out + ": "
          + e.getMessage());
    }
    progress.start(sourceBytes(src, vm));
    List<ExportedDisk> disks = switch (src.kind()) {
      case OVA -> exportOva(src.path(), vm, out, progress);
      case OVF -> copyFiles(vm, src.path().getParent(), out, progress);
      case IMAGES -> copyFiles(vm, null, out, progress);
    };
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("export interrupted");
    }
    progress.finish();
    String stem = LocalSource.stem(src.path());
    try {
      OvfPackage.Written w = OvfPackage.write(out, stem, vm, disks, request.format());
      return new ExportedVm(vm, disks, w.descriptor().toString(), w.archive() == null ? null : w.archive().toString(),
          "local-" + src.kind().name().toLowerCase(Locale.ROOT), List.of());
    } catch (IOException e) {
      throw new ProviderException(ProviderException.Kind.EXPORT_FAILED, "cannot write the OVF descriptor in " + out
          + ": " + e.getMessage());
    }
  }

  /** What the export will read, for progress: the archive, or the disk files. */
  private static long sourceBytes(LocalSource src, VmInfo vm) {
    try {
      if (src.kind() == LocalSource.Kind.OVA) {
        return Files.size(src.path());
      }
      long total = 0;
      for (DiskInfo d : vm.disks()) {
        Path file = src.kind() == LocalSource.Kind.OVF ? src.path().getParent().resolve(d.file()) : Path.of(d.file());
        total += Files.size(file);
      }
      return total;
    } catch (IOException | java.nio.file.InvalidPathException e) {
      return 0;
    }
  }

  private List<ExportedDisk> exportOva(Path ova, VmInfo vm, Path out, ExportProgress progress)
      throws ProviderException {
    Map<String, DiskInfo> wanted = new HashMap<>();
    for (DiskInfo d : vm.disks()) {
      wanted.put(LocalSource.requirePlainName(d.file(), ova), d);
    }
    Map<String, ExportedDisk> done = new HashMap<>();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(ova), 1 << 20)) {
      Tar.Reader tar = new Tar.Reader(in);
      for (Tar.Entry e; (e = tar.next()) != null; ) {
        DiskInfo d = wanted.get(e.name());
        if (d != null && e.isFile()) {
          HashingCopy.Copied c = HashingCopy.copy(tar.content(), e.size(), out.resolve(e.name()), progress);
          done.put(e.name(), exported(vm, d, c));
        }
      }
    } catch (IOException e) {
      throw new ProviderException(ProviderException.Kind.EXPORT_FAILED, "cannot extract " + ova + ": " + e.getMessage());
    }
    List<ExportedDisk> ordered = new ArrayList<>();
    for (DiskInfo d : vm.disks()) {
      ExportedDisk x = done.get(d.file());
      if (x == null) {
        throw new ProviderException(ProviderException.Kind.EXPORT_FAILED, ova + " does not contain " + d.file()
            + ", which its descriptor lists");
      }
      ordered.add(x);
    }
    return ordered;
  }

  private List<ExportedDisk> copyFiles(VmInfo vm, Path ovfDir, Path out, ExportProgress progress)
      throws ProviderException {
    List<ExportedDisk> disks = new ArrayList<>();
    for (DiskInfo d : vm.disks()) {
      Path source = ovfDir == null ? Path.of(d.file()) : ovfDir.resolve(LocalSource.requirePlainName(d.file(), ovfDir));
      Path target = out.resolve(source.getFileName());
      if (target.equals(source.toAbsolutePath().normalize())) {
        throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "--output " + out
            + " is the folder the VM's disks are in; choose another folder");
      }
      try (InputStream in = Files.newInputStream(source)) {
        disks.add(exported(vm, d, HashingCopy.copy(in, -1, target, progress)));
      } catch (IOException e) {
        throw new ProviderException(ProviderException.Kind.EXPORT_FAILED, "cannot copy " + source + ": " + e.getMessage());
      }
    }
    return disks;
  }

  private static ExportedDisk exported(VmInfo vm, DiskInfo d, HashingCopy.Copied c) {
    int index = vm.disks().indexOf(d);
    String ext = LocalSource.extension(c.path());
    String format = LocalSource.IMAGE_FORMATS.getOrDefault(ext, "vmdk");
    return new ExportedDisk(d.id(), c.path().toString(), format, c.bytes(), c.sha256(), index, d.label());
  }

  private static VmInfo readOvf(Path ovf) throws ProviderException {
    try {
      return OvfDescriptor.parse(Files.readAllBytes(ovf), ovf.toString());
    } catch (IOException e) {
      throw LocalSource.unreadable(ovf, e);
    }
  }

  /** OVAs put the descriptor first, so only the start of the archive is read. */
  private static VmInfo readOvaDescriptor(Path ova) throws ProviderException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(ova))) {
      Tar.Reader tar = new Tar.Reader(in);
      for (Tar.Entry e; (e = tar.next()) != null; ) {
        if (e.name().toLowerCase(Locale.ROOT).endsWith(".ovf")) {
          return OvfDescriptor.parse(tar.content().readAllBytes(), ova + "!" + e.name());
        }
      }
      throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, ova + " contains no .ovf descriptor");
    } catch (IOException e) {
      throw LocalSource.unreadable(ova, e);
    }
  }

  private static VmInfo fromImages(LocalSource src) throws ProviderException {
    List<DiskInfo> disks = new ArrayList<>();
    for (Path p : src.images()) {
      try {
        disks.add(new DiskInfo("disk-" + disks.size(), p.getFileName().toString(), virtualSize(p), p.toString()));
      } catch (IOException e) {
        throw LocalSource.unreadable(p, e);
      }
    }
    String name = LocalSource.stem(src.path());
    return new VmInfo(name, name, src.path().toString(), null, null, null, "unknown", null, null, "unknown", null,
        null, disks, List.of());
  }

  /**
   * The disk's size as the guest sees it, from {@code qemu-img info}; a sparse or compressed image's file is
   * much smaller. Without qemu-img only the file size is known, which is right for raw images only.
   */
  private static long virtualSize(Path image) throws IOException {
    Optional<Path> qemuImg = io.hypersdk.io.Executables.onPath("qemu-img");
    if (qemuImg.isPresent()) {
      try {
        Process p = new ProcessBuilder(qemuImg.get().toString(), "info", "--output=json", image.toString())
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("\"virtual-size\":\\s*(\\d+)").matcher(out);
        if (p.waitFor() == 0 && m.find()) {
          return Long.parseLong(m.group(1));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return Files.size(image);
  }

  private static VmInfo withPath(VmInfo vm, Path path) {
    return new VmInfo(vm.id(), vm.name(), path.toString(), vm.datacenter(), vm.cpu(), vm.memoryMiB(), vm.firmware(),
        vm.secureBoot(), vm.guestId(), vm.osHint(), vm.osVersion(), vm.powerState(), vm.disks(), vm.nics());
  }
}
