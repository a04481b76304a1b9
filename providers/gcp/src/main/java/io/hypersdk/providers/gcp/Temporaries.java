package io.hypersdk.providers.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything an export creates in the project: snapshots, images, image-export builds and staged objects, each
 * recorded the moment its creation is asked for. Closing cancels running builds and deletes the rest (images
 * before the snapshots they were made from), unless --keep-export; a shutdown hook does the same if the JVM ends
 * first. Each item is named on the console as it is created and deleted.
 */
final class Temporaries implements AutoCloseable {
  private static final Duration MAX_POLL = Duration.ofSeconds(10);
  private final GcpApi api;
  private final ComputeInventory compute;
  private final GcpConfig config;
  private final List<String> snapshots = new ArrayList<>();
  private final List<String> images = new ArrayList<>();
  private final List<String> builds = new ArrayList<>();
  private final List<String> objects = new ArrayList<>();
  private final Thread hook = new Thread(this::deleteAll, "gcp-export-cleanup");
  private boolean closed;

  Temporaries(GcpApi api, ComputeInventory compute, GcpConfig config) {
    this.api = api;
    this.compute = compute;
    this.config = config;
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Starts a snapshot of {@code disk} (a selfLink) named {@code name}; returns the operation to wait for. */
  synchronized JsonNode snapshot(String disk, String name, String instance, boolean guestFlush)
      throws ProviderException, InterruptedException {
    snapshots.add(name);
    System.err.println("gcp: snapshot " + name + " of disk " + ComputeInventory.last(disk)
        + (guestFlush ? " (guest flush)" : ""));
    return api.post(compute.at(disk) + "/createSnapshot" + (guestFlush ? "?guestFlush=true" : ""),
        GcpApi.JSON.createObjectNode().put("name", name).put("description", "hypersdk export of " + instance
            + " (deleted when the export ends)").set("labels", GcpApi.JSON.createObjectNode()
            .put("hypersdk-export", instance)), "compute.disks.createSnapshot");
  }

  /** Starts an image made from snapshot {@code snapshot}; returns the operation to wait for. */
  synchronized JsonNode image(String snapshot, String name, String instance) throws ProviderException,
      InterruptedException {
    images.add(name);
    System.err.println("gcp: image " + name + " from snapshot " + snapshot);
    return api.post(compute.url("global/images"), GcpApi.JSON.createObjectNode().put("name", name)
        .put("sourceSnapshot", "projects/" + config.project() + "/global/snapshots/" + snapshot)
        .set("labels", GcpApi.JSON.createObjectNode().put("hypersdk-export", instance)), "compute.images.create");
  }

  synchronized void build(String id) {
    builds.add(id);
  }

  synchronized void buildEnded(String id) {
    builds.remove(id);
  }

  synchronized void object(String name) {
    objects.add(name);
  }

  /** Waits for a Compute operation; a failed one becomes one line (a quota error keeps its kind). */
  JsonNode await(JsonNode operation, String permission) throws ProviderException, InterruptedException {
    long wait = 200;
    JsonNode op = operation;
    while (!"DONE".equals(op.path("status").asText())) {
      Thread.sleep(wait);
      wait = Math.min(wait * 2, MAX_POLL.toMillis());
      op = api.get(compute.at(op.path("selfLink").asText()), permission);
    }
    JsonNode error = op.path("error").path("errors").path(0);
    if (!error.isMissingNode()) {
      String code = error.path("code").asText();
      throw new ProviderException(code.contains("QUOTA") ? Kind.QUOTA : code.contains("PERMISSION")
          || code.equals("FORBIDDEN") ? Kind.PERMISSION : Kind.EXPORT_FAILED, permission + " of "
          + ComputeInventory.last(op.path("targetLink").asText()) + " failed (" + code + "): "
          + GcpApi.firstLine(error.path("message").asText()));
    }
    return op;
  }

  /** Deletes everything; an interrupt (Ctrl-C) must not stop this, so the flag is set aside meanwhile. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    boolean interrupted = Thread.interrupted();
    try {
      deleteAll();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running or will run: it finds nothing left to delete.
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private synchronized void deleteAll() {
    for (String id : List.copyOf(builds)) {
      try {
        api.post(config.cloudBuild() + "/v1/projects/" + config.project() + "/builds/" + id + ":cancel",
            GcpApi.JSON.createObjectNode(), "cloudbuild.builds.update");
        System.err.println("gcp: cancelled build " + id);
        builds.remove(id);
      } catch (ProviderException | InterruptedException e) {
        System.err.println("gcp: could not cancel build " + id + " (gcloud builds cancel " + id + "): "
            + e.getMessage());
      }
    }
    if (config.keepExport()) {
      if (!(images.isEmpty() && snapshots.isEmpty() && objects.isEmpty())) {
        System.err.println("gcp: kept (--keep-export): images " + images + ", snapshots " + snapshots
            + ", objects " + objects.stream().map(o -> "gs://" + config.stagingBucket() + "/" + o).toList());
      }
      closed = true;
      return;
    }
    objects.removeIf(o -> delete(config.storage() + "/storage/v1/b/" + config.stagingBucket() + "/o/"
        + URLEncoder.encode(o, StandardCharsets.UTF_8), "storage.objects.delete", "gs://" + config.stagingBucket()
        + "/" + o, "gcloud storage rm gs://" + config.stagingBucket() + "/" + o, false));
    images.removeIf(i -> delete(compute.url("global/images/" + i), "compute.images.delete", "image " + i,
        "gcloud compute images delete " + i, true));
    snapshots.removeIf(s -> delete(compute.url("global/snapshots/" + s), "compute.snapshots.delete",
        "snapshot " + s, "gcloud compute snapshots delete " + s, true));
    closed = builds.isEmpty() && objects.isEmpty() && images.isEmpty() && snapshots.isEmpty();
  }

  /** Deletes one item; true when it is gone (a 404 too: it was never created, or someone deleted it). */
  private boolean delete(String url, String permission, String what, String byHand, boolean operation) {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
    while (true) {
      try {
        JsonNode op = api.delete(url, permission);
        if (operation) {
          await(op, permission);
        }
        System.err.println("gcp: deleted " + what);
        return true;
      } catch (ProviderException e) {
        if (e.kind() == Kind.NOT_FOUND) {
          return true;
        }
        // A snapshot whose image or an image whose snapshot is still being made is "in use" for a while.
        if (!e.getMessage().contains("resourceInUse") || Instant.now().isAfter(deadline)) {
          System.err.println("gcp: could not delete " + what + " (delete it by hand: " + byHand + "): "
              + e.getMessage());
          return false;
        }
      } catch (InterruptedException e) {
        System.err.println("gcp: could not delete " + what + " (delete it by hand: " + byHand + "): interrupted");
        return false;
      }
      try {
        Thread.sleep(2_000);
      } catch (InterruptedException e) {
        return false;
      }
    }
  }
}
