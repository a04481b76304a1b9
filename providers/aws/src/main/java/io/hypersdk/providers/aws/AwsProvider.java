package io.hypersdk.providers.aws;

import io.hypersdk.providers.DiskInfo;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedDisk;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.VmInfo;
import io.hypersdk.providers.VmSummary;
import io.hypersdk.providers.download.Downloaded;
import io.hypersdk.providers.download.RangeJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.services.ec2.model.Instance;

/**
 * The {@code aws} provider. An export snapshots all of the instance's EBS volumes at once (crash-consistent;
 * the instance keeps running), reads each snapshot through the EBS direct APIs into a sparse raw disk, and
 * deletes the snapshots however the export ends; or, with export-task, has VM Export write an OVA to S3.
 */
final class AwsProvider implements Provider {
  static final String EXPORT_METHOD = "aws-ebs-direct";
  private final AwsConfig config;
  private final AwsClients clients;
  private final Ec2Inventory inventory;

  AwsProvider(AwsConfig config) {
    this.config = config;
    this.clients = new AwsClients(config);
    this.inventory = new Ec2Inventory(clients.ec2, config.region());
  }

  @Override
  public String name() {
    return "aws";
  }

  @Override
  public String server() {
    return "AWS " + config.region() + (config.endpoint() == null ? "" : " at " + config.endpoint());
  }

  @Override
  public List<VmSummary> listVms() throws ProviderException {
    List<VmSummary> out = new ArrayList<>();
    for (VmInfo vm : inventory.describe(inventory.all())) {
      out.add(new VmSummary(vm.id(), vm.name(), vm.powerState(), vm.cpu(), vm.memoryMiB(), vm.disks().size()));
    }
    return out;
  }

  @Override
  public VmInfo vmInfo(String vm) throws ProviderException {
    return inventory.describe(List.of(inventory.find(vm))).get(0);
  }

  @Override
  public ExportedVm export(ExportRequest request, ExportProgress progress) throws ProviderException,
      InterruptedException {
    Instance instance = inventory.find(request.vm());
    String arch = instance.architectureAsString();
    if (arch != null && arch.startsWith("arm64")) {
      throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "instance " + instance.instanceId()
          + " is " + arch + ": the target is x86_64 KVM, so only x86_64 instances can be exported");
    }
    VmInfo vm = inventory.describe(List.of(instance)).get(0);
    if (vm.disks().isEmpty()) {
      throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "instance " + vm.id()
          + " has no EBS volume to export (instance-store volumes cannot be read)");
    }
    Path out = request.outputDir().toAbsolutePath().normalize();
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "cannot create output folder " + out + ": "
          + e.getMessage());
    }
    ExecutorService pool = Executors.newFixedThreadPool(config.parallel(), r -> {
      Thread t = new Thread(r, "ebs-block");
      t.setDaemon(true);
      return t;
    });
    try {
      if (config.exportMethod().equals(AwsConfig.EXPORT_TASK)) {
        VmExportTask task = new VmExportTask(clients.ec2, clients.s3, config, pool);
        task.checkLimits(instance, vm);
        return task.export(instance, vm, out, progress);
      }
      return exportSnapshots(vm, out, pool, progress);
    } finally {
      pool.shutdownNow();
    }
  }

  private ExportedVm exportSnapshots(VmInfo vm, Path out, ExecutorService pool, ExportProgress progress)
      throws ProviderException, InterruptedException {
    try (InstanceSnapshots snapshots = InstanceSnapshots.take(clients.ec2, vm.id())) {
      snapshots.awaitCompleted();
      SnapshotDownload download = new SnapshotDownload(clients.ebs, pool, config.parallel(), progress);
      List<SnapshotDownload.Layout> layouts = new ArrayList<>();
      for (DiskInfo d : vm.disks()) {
        layouts.add(download.layout(snapshots.of(d.id())));
      }
      progress.start(layouts.stream().mapToLong(SnapshotDownload.Layout::dataBytes).sum());
      List<ExportedDisk> disks = new ArrayList<>();
      for (int i = 0; i < vm.disks().size(); i++) {
        DiskInfo d = vm.disks().get(i);
        Downloaded w = download.download(layouts.get(i), out.resolve(d.id() + ".raw"));
        disks.add(new ExportedDisk(d.id(), w.path().toString(), "raw", w.bytes(), w.sha256(), i, d.label()));
      }
      progress.finish();
      for (ExportedDisk d : disks) {
        // Every volume is complete: nothing is left to resume.
        Files.deleteIfExists(RangeJournal.fileOf(Path.of(d.path())));
      }
      return new ExportedVm(vm, disks, null, null, EXPORT_METHOD, List.of());
    } catch (IOException e) {
      throw new ProviderException(ProviderException.Kind.EXPORT_FAILED, "cannot remove a block journal in " + out
          + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    clients.close();
  }
}
