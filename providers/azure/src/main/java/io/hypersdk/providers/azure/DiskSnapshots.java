package io.hypersdk.providers.azure;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.providers.ExitCleanup;
import io.hypersdk.providers.ProviderException.Kind;
import io.hypersdk.providers.ProviderException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The snapshots of one VM's managed disks (the VM keeps running) and their read grants. Closing ends every grant
 * and deletes every snapshot; a shutdown hook does the same if the JVM ends first (Ctrl-C).
 */
final class DiskSnapshots implements AutoCloseable {
  /** A grant lasts this long; an expired one during the download is asked for again. */
  static final int GRANT_SECONDS = 4 * 3600;
  private static final String SNAPSHOTS = "Microsoft.Compute/snapshots/";
  private final ArmClient arm;
  /** Disk id to snapshot id. */
  private final Map<String, String> byDisk = new LinkedHashMap<>();
  private final Set<String> granted = ConcurrentHashMap.newKeySet();
  private final ExitCleanup cleanup = ExitCleanup.register("azure-snapshot-cleanup", this::deleteAll);

  private DiskSnapshots(ArmClient arm) {
    this.arm = arm;
  }

  /**
   * A full snapshot of every disk, in the disk's resource group and region, named after the VM and the disk. The
   * cleanup is registered before the first PUT, so a snapshot made while Ctrl-C arrives is deleted too.
   */
  static DiskSnapshots take(ArmClient arm, String vmName, Iterable<VmInventory.ManagedDisk> disks, String stamp)
      throws ProviderException, InterruptedException {
    DiskSnapshots s = new DiskSnapshots(arm);
    try {
      for (VmInventory.ManagedDisk d : disks) {
        String name = ("hypersdk-" + vmName + "-" + d.name()).replaceAll("[^A-Za-z0-9_.-]", "-");
        name = name.substring(0, Math.min(name.length(), 60)) + "-" + stamp;
        String id = d.id().substring(0, d.id().toLowerCase(Locale.ROOT).indexOf("/providers/"))
            + "/providers/Microsoft.Compute/snapshots/" + name;
        synchronized (s) {
          s.byDisk.put(d.id(), id);
        }
        arm.put(id, VmInventory.DISK_API, Map.of("location", d.location(), "tags", Map.of("hypersdk-export",
            vmName), "properties", Map.of("creationData", Map.of("createOption", "Copy", "sourceResourceId", d.id()),
            "incremental", false)), SNAPSHOTS + "write");
        System.err.println("azure: snapshot " + id + " of disk " + d.name() + " created (deleted when the export "
            + "ends)");
      }
    } catch (ProviderException | InterruptedException | RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  /** The snapshot of {@code diskId}. */
  synchronized String of(String diskId) {
    return byDisk.get(diskId);
  }

  /** A read SAS URL of the snapshot (beginGetAccess, a long-running operation); asked again when one expired. */
  String grant(String snapshotId) throws ProviderException, InterruptedException {
    granted.add(snapshotId);
    JsonNode out = arm.post(snapshotId + "/beginGetAccess", VmInventory.DISK_API, Map.of("access", "Read",
        "durationInSeconds", GRANT_SECONDS), SNAPSHOTS + "beginGetAccess/action");
    String sas = out.path("accessSAS").asText(null);
    if (sas == null || sas.isBlank()) {
      throw new ProviderException(Kind.EXPORT_FAILED, "beginGetAccess of " + snapshotId + " gave no accessSAS");
    }
    return sas;
  }

  /** Ends the snapshot's grant, so it can be deleted. */
  void revoke(String snapshotId) throws ProviderException, InterruptedException {
    if (granted.remove(snapshotId)) {
      arm.post(snapshotId + "/endGetAccess", VmInventory.DISK_API, null, SNAPSHOTS + "endGetAccess/action");
    }
  }

  /** Ends the grants and deletes the snapshots, whatever interrupts the export (see {@link ExitCleanup}). */
  @Override
  public void close() {
    cleanup.close();
  }

  /** Ends the grants and deletes the snapshots still listed; true when none is left. */
  private synchronized boolean deleteAll() {
    for (var it = byDisk.entrySet().iterator(); it.hasNext(); ) {
      String id = it.next().getValue();
      try {
        revoke(id);
        arm.delete(id, VmInventory.DISK_API, SNAPSHOTS + "delete");
        it.remove();
        System.err.println("azure: snapshot " + id + " deleted");
      } catch (ProviderException e) {
        if (e.kind() == Kind.NOT_FOUND) {
          // Its PUT was refused (or it is gone already): nothing to delete.
          it.remove();
          continue;
        }
        couldNotDelete(id, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        couldNotDelete(id, "interrupted");
      }
    }
    return byDisk.isEmpty();
  }

  private static void couldNotDelete(String id, String why) {
    System.err.println("hyperexport: could not delete snapshot " + id + " (delete it by hand: az snapshot "
        + "revoke-access --ids " + id + " && az snapshot delete --ids " + id + "): " + why);
  }
}
