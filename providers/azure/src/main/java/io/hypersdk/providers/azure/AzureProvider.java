package io.hypersdk.providers.azure;

import com.azure.core.credential.TokenCredential;
import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.io.AtomicFiles;
import io.hypersdk.io.Sha256;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedDisk;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import io.hypersdk.providers.VmInfo;
import io.hypersdk.providers.VmSummary;
import io.hypersdk.providers.download.Downloaded;
import io.hypersdk.providers.download.RangeChecksum;
import io.hypersdk.providers.download.RangeJournal;
import io.hypersdk.providers.download.RangedDownload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The {@code azure} provider. An export snapshots each managed disk (the VM keeps running), reads each snapshot's
 * allocated page ranges through a read SAS into a sparse file, and ends the grants and deletes the snapshots
 * however the export ends.
 */
final class AzureProvider implements Provider {
  static final String EXPORT_METHOD = "azure-snapshot-sas";
  private final AzureConfig config;
  private final ArmClient arm;
  private final VmInventory inventory;

  AzureProvider(AzureConfig config, TokenCredential credential) {
    this.config = config;
    this.arm = new ArmClient(config.arm(), config.armScope(), credential);
    this.inventory = new VmInventory(arm, config);
  }

  @Override
  public String name() {
    return "azure";
  }

  @Override
  public String server() {
    return "Azure subscription " + config.subscription() + (config.arm().toString().equals(AzureConfig.PUBLIC_ARM)
        ? "" : " at " + config.arm());
  }

  @Override
  public List<VmSummary> listVms() throws ProviderException {
    try {
      List<VmSummary> out = new ArrayList<>();
      for (JsonNode v : inventory.all()) {
        VmInfo vm = inventory.describe(v).info();
        out.add(new VmSummary(vm.id(), vm.name(), vm.powerState(), vm.cpu(), vm.memoryMiB(), vm.disks().size()));
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(Kind.EXPORT_FAILED, "interrupted while listing VMs");
    }
  }

  @Override
  public VmInfo vmInfo(String vm) throws ProviderException {
    try {
      return inventory.describe(inventory.find(vm)).info();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(Kind.EXPORT_FAILED, "interrupted while reading VM " + vm);
    }
  }

  @Override
  public ExportedVm export(ExportRequest request, ExportProgress progress) throws ProviderException,
      InterruptedException {
    VmInventory.AzureVm vm = inventory.describe(inventory.find(request.vm()));
    refuse(vm);
    Path out = request.outputDir().toAbsolutePath().normalize();
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new ProviderException(Kind.INVALID_REQUEST, "cannot create output folder " + out + ": "
          + e.getMessage());
    }
    ExecutorService pool = Executors.newFixedThreadPool(config.parallel(), r -> {
      Thread t = new Thread(r, "azure-range");
      t.setDaemon(true);
      return t;
    });
    String stamp = Long.toString(Instant.now().toEpochMilli(), 36);
    try (DiskSnapshots snapshots = DiskSnapshots.take(arm, vm.info().name(), vm.disks(), stamp)) {
      boolean vhd = config.diskFormat().equals(AzureConfig.VHD);
      List<RangedDownload> downloads = new ArrayList<>();
      List<MessageDigest> digests = new ArrayList<>();
      for (VmInventory.ManagedDisk d : vm.disks()) {
        String snap = snapshots.of(d.id());
        SnapshotBlobReader reader = new SnapshotBlobReader(snapshots::grant, snap, config.blobEndpoint());
        RangedDownload.Builder b = RangedDownload.builder(pool, reader, d.bytes()).ranges(reader.ranges())
            .parallel(config.parallel()).progress(progress).checksum(RangeChecksum.MD5_BASE64, "Azure")
            .journal("azure-pages", 512)
            // Pinned to the disk, not the snapshot: a run again takes a new snapshot, and a range written before
            // is kept only when the service's MD5 for it is still the one recorded and the bytes on disk match.
            .source(d.id()).describe(r -> "bytes " + r.offset() + "-" + (r.end() - 1)
                + " of " + snap.substring(snap.lastIndexOf('/') + 1));
        if (vhd) {
          // The VHD's SHA-256 covers the footer too: this digest sees the data in order, then gets the footer.
          MessageDigest sha = Sha256.newDigest();
          digests.add(sha);
          b.observer(sha::update);
        }
        downloads.add(b.build());
      }
      progress.start(downloads.stream().mapToLong(RangedDownload::dataBytes).sum());
      List<ExportedDisk> disks = new ArrayList<>();
      List<Path> journals = new ArrayList<>();
      List<String> warnings = new ArrayList<>();
      for (int i = 0; i < vm.disks().size(); i++) {
        VmInventory.ManagedDisk d = vm.disks().get(i);
        Path target = out.resolve(d.name() + (vhd ? ".vhd.data" : ".raw"));
        Downloaded w = downloads.get(i).to(target);
        journals.add(RangeJournal.fileOf(target));
        if (w.reusedRanges() > 0) {
          warnings.add("disk " + d.name() + ": " + w.reusedRanges() + " ranges kept from an earlier run of this "
              + "export (the service's MD5 for them is unchanged)");
        }
        snapshots.revoke(snapshots.of(d.id()));
        if (vhd) {
          disks.add(asVhd(w, out.resolve(d.name() + ".vhd"), digests.get(i), d, i));
        } else {
          disks.add(new ExportedDisk(d.name(), w.path().toString(), "raw", w.bytes(), w.sha256(), i, label(d)));
        }
      }
      progress.finish();
      for (Path j : journals) {
        // Every disk is complete: nothing is left to resume.
        Files.deleteIfExists(j);
      }
      return new ExportedVm(vm.info(), disks, null, null, EXPORT_METHOD, warnings);
    } catch (IOException e) {
      throw new ProviderException(Kind.EXPORT_FAILED, "cannot finish the disks in " + out + ": " + e.getMessage(), e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Appends the fixed-VHD footer to the downloaded data and gives it its final name. */
  private static ExportedDisk asVhd(Downloaded w, Path vhd, MessageDigest sha, VmInventory.ManagedDisk d, int order)
      throws IOException {
    byte[] footer = FixedVhdFooter.of(w.bytes(), Instant.now(), UUID.nameUUIDFromBytes(d.id().getBytes(
        java.nio.charset.StandardCharsets.UTF_8)));
    try (FileChannel ch = FileChannel.open(w.path(), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(footer), w.bytes());
      ch.force(false);
    }
    sha.update(footer);
    AtomicFiles.move(w.path(), vhd);
    return new ExportedDisk(d.name(), vhd.toString(), "vhd", w.bytes() + footer.length, Sha256.format(sha), order,
        label(d));
  }

  private static String label(VmInventory.ManagedDisk d) {
    return d.lun() < 0 ? "OS disk" : "data disk LUN " + d.lun();
  }

  /** Disks Azure cannot export this way, refused before anything is created. */
  private static void refuse(VmInventory.AzureVm vm) throws ProviderException {
    String name = vm.info().name();
    if (vm.disks().isEmpty()) {
      throw new ProviderException(Kind.INVALID_REQUEST, "VM " + name + " has no managed disk to export "
          + "(unmanaged VHDs in storage accounts are not supported)");
    }
    for (VmInventory.ManagedDisk d : vm.disks()) {
      if (d.sku().toLowerCase(Locale.ROOT).startsWith("ultrassd")) {
        throw new ProviderException(Kind.INVALID_REQUEST, "disk " + d.name() + " of VM " + name + " is an Ultra "
            + "disk (" + d.sku() + "), which Azure cannot snapshot for download: copy it to a Premium SSD first");
      }
      if (d.diskState().startsWith("ActiveSAS")) {
        throw new ProviderException(Kind.INVALID_REQUEST, "disk " + d.name() + " of VM " + name + " ("
            + vm.info().powerState() + ") is already exported through a SAS (diskState " + d.diskState() + "): "
            + "end that export first (az disk revoke-access --ids " + d.id() + ")");
      }
    }
  }
}
