package io.hypersdk.providers.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.providers.DiskInfo;
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
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The {@code gcp} provider. Compute Engine has no block-read API, so an export snapshots each persistent disk
 * while the instance runs, makes an image of each snapshot, has the image-export build write each image to the
 * staging bucket, downloads it with its CRC32C checked, and deletes images, snapshots and objects however the
 * export ends. The instance itself is never stopped or changed.
 */
final class GcpProvider implements Provider {
  static final String EXPORT_METHOD = "gcp-image-export";
  private final GcpConfig config;
  private final GcpApi api;
  private final ComputeInventory inventory;

  GcpProvider(GcpConfig config) throws ProviderException {
    this.config = config;
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
        .followRedirects(HttpClient.Redirect.NORMAL).build();
    this.api = new GcpApi(http, AccessTokens.find(http, config.credentialsFile(), System.getenv()));
    this.inventory = new ComputeInventory(api, config);
  }

  @Override
  public String name() {
    return "gcp";
  }

  @Override
  public String server() {
    return "GCP project " + config.project() + (config.zone() == null ? "" : " zone " + config.zone());
  }

  @Override
  public List<VmSummary> listVms() throws ProviderException {
    try {
      List<VmSummary> out = new ArrayList<>();
      for (JsonNode i : inventory.all()) {
        VmInfo vm = inventory.describe(i);
        out.add(new VmSummary(vm.path(), vm.name(), vm.powerState(), vm.cpu(), vm.memoryMiB(), vm.disks().size()));
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(Kind.EXPORT_FAILED, "interrupted while listing instances", e);
    }
  }

  @Override
  public VmInfo vmInfo(String vm) throws ProviderException {
    try {
      return inventory.describe(inventory.find(vm));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(Kind.EXPORT_FAILED, "interrupted while reading instance " + vm, e);
    }
  }

  @Override
  public ExportedVm export(ExportRequest request, ExportProgress progress) throws ProviderException,
      InterruptedException {
    if (config.stagingBucket() == null) {
      throw new ProviderException(Kind.MISSING_SETTING, "--staging-bucket is required to export from gcp: the Cloud "
          + "Storage bucket the image-export build writes each disk to");
    }
    JsonNode instance = inventory.find(request.vm());
    VmInfo vm = inventory.describe(instance);
    List<JsonNode> attached = ComputeInventory.bootOrder(instance);
    if (attached.isEmpty()) {
      throw new ProviderException(Kind.INVALID_REQUEST, "instance " + vm.name() + " has no persistent disk to export "
          + "(local SSDs cannot be read)");
    }
    for (JsonNode a : attached) {
      if ("ARM64".equals(a.path("architecture").asText())) {
        throw new ProviderException(Kind.INVALID_REQUEST, "disk " + ComputeInventory.last(a.path("source").asText())
            + " of " + vm.name() + " is ARM64: the target is x86_64 KVM, so only x86_64 instances can be exported");
      }
    }
    // Before anything is created: a bucket that is not there would fail every build only after its snapshot.
    StagedObject.checkBucket(api, config);
    Path out = request.outputDir().toAbsolutePath().normalize();
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new ProviderException(Kind.INVALID_REQUEST, "cannot create output folder " + out + ": " + e.getMessage());
    }
    List<String> warnings = new ArrayList<>();
    warnings.add("Compute Engine exposes no MAC address: libvirt assigns new MACs to the NICs ("
        + String.join(", ", vm.nics().stream().map(n -> n.id() + " on " + n.network()).toList())
        + "); a guest that binds its network to a MAC needs it updated");
    long scratch = ComputeInventory.scratchDisks(instance);
    if (scratch > 0) {
      warnings.add(scratch + " local SSD(s) of " + vm.name() + " not exported: their contents cannot be snapshotted");
    }
    String stamp = Long.toString(System.currentTimeMillis(), 36);
    // A stopped instance has no guest to flush; a running one is asked to, unless --crash-consistent.
    boolean flush = config.guestFlush() && "RUNNING".equals(instance.path("status").asText());
    try (Temporaries temps = new Temporaries(api, inventory, config)) {
      List<JsonNode> ops = new ArrayList<>();
      List<String> snapshots = new ArrayList<>();
      // Every snapshot is asked for before any is waited for: the disks are caught as close together as can be.
      for (int i = 0; i < attached.size(); i++) {
        String name = resourceName("hx-" + vm.name() + "-" + i + "-" + stamp);
        snapshots.add(name);
        ops.add(temps.snapshot(attached.get(i).path("source").asText(), name, vm.name(), flush));
      }
      for (int i = 0; i < ops.size(); i++) {
        try {
          temps.await(ops.get(i), "compute.disks.createSnapshot");
        } catch (ProviderException e) {
          // A guest that cannot flush (no guest environment, or not set up for it) fails the snapshot: take it
          // again crash-consistent, as a snapshot of a stopped instance is, and say so.
          if (!flush || e.kind() != Kind.EXPORT_FAILED || !e.getMessage().toLowerCase(Locale.ROOT).contains("guest")) {
            throw e;
          }
          String name = resourceName("hx-" + vm.name() + "-" + i + "-" + stamp + "-nf");
          snapshots.set(i, name);
          temps.await(temps.snapshot(attached.get(i).path("source").asText(), name, vm.name(), false),
              "compute.disks.createSnapshot");
          warnings.add("the guest could not flush disk " + vm.disks().get(i).id() + " before its snapshot ("
              + e.getMessage() + "): it was taken crash-consistent");
        }
      }
      List<String> images = new ArrayList<>();
      ops.clear();
      for (String s : snapshots) {
        String name = resourceName(s.replaceFirst("^hx-", "hxi-"));
        images.add(name);
        ops.add(temps.image(s, name, vm.name()));
      }
      for (JsonNode op : ops) {
        temps.await(op, "compute.images.create");
      }
      ImageExportBuild builds = new ImageExportBuild(api, config, temps);
      List<String> ids = new ArrayList<>();
      for (String image : images) {
        ids.add(builds.submit(image));
      }
      List<StagedObject> staged = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        builds.await(ids.get(i), images.get(i));
        staged.add(StagedObject.stat(api, config, builds.objectOf(images.get(i))));
      }
      progress.start(staged.stream().mapToLong(StagedObject::size).sum());
      List<ExportedDisk> disks = new ArrayList<>();
      String format = config.imageFormat();
      ExecutorService pool = Executors.newFixedThreadPool(config.parallel(), r -> {
        Thread t = new Thread(r, "gcs-range");
        t.setDaemon(true);
        return t;
      });
      try {
        for (int i = 0; i < staged.size(); i++) {
          DiskInfo d = vm.disks().get(i);
          StagedObject.Written w = staged.get(i).download(out.resolve(d.id() + "." + format), progress, pool);
          disks.add(new ExportedDisk(d.id(), w.path().toString(), format, w.bytes(), w.sha256(), i, d.label()));
        }
      } finally {
        pool.shutdownNow();
      }
      progress.finish();
      for (ExportedDisk d : disks) {
        // Every disk is complete: nothing is left to resume.
        StagedObject.resumeFiles(Path.of(d.path())).forEach(GcpProvider::deleteQuietly);
      }
      return new ExportedVm(vm, disks, null, null, EXPORT_METHOD, warnings);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      System.err.println("gcp: could not remove " + file + ", kept to resume from (remove it by hand): "
          + e.getMessage());
    }
  }

  /** A Compute resource name: lowercase letters, digits and dashes, starting with a letter, at most 63. */
  static String resourceName(String s) {
    String n = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    return n.length() > 63 ? n.substring(0, 56) + "-" + String.format("%08x", s.hashCode()).substring(0, 6) : n;
  }
}
