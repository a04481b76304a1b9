package io.hypersdk.providers.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The image-export build gcloud runs, submitted through the Cloud Build REST API: the
 * {@code gce_vm_image_export} builder writes one image to the staging bucket (qcow2, vmdk, or image.tar.gz with a
 * sparse disk.raw). A failed build is one line with the failing step's last log lines and the log URL.
 */
final class ImageExportBuild {
  static final String BUILDER = "gcr.io/compute-image-tools/gce_vm_image_export:release";
  private static final Duration MAX_POLL = Duration.ofSeconds(15);
  private static final int LOG_LINES = 3;
  private final GcpApi api;
  private final GcpConfig config;
  private final Temporaries temporaries;

  ImageExportBuild(GcpApi api, GcpConfig config, Temporaries temporaries) {
    this.api = api;
    this.config = config;
    this.temporaries = temporaries;
  }

  /** The object name the build writes the image of {@code image} to, in the staging bucket. */
  String objectOf(String image) {
    return StagedObject.PREFIX + image + switch (config.imageFormat()) {
      case GcpConfig.RAW -> ".tar.gz";
      default -> "." + config.imageFormat();
    };
  }

  /** Submits the build exporting {@code image}; returns the build id. */
  String submit(String image) throws ProviderException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("-timeout=7000s", "-source_image=projects/" + config.project()
        + "/global/images/" + image, "-client_id=api"));
    if (!config.imageFormat().equals(GcpConfig.RAW)) {
      args.add("-format=" + config.imageFormat());
    }
    args.add("-destination_uri=gs://" + config.stagingBucket() + "/" + objectOf(image));
    ObjectNode step = GcpApi.JSON.createObjectNode().put("name", BUILDER);
    args.forEach(step.putArray("args")::add);
    step.putArray("env").add("BUILD_ID=$BUILD_ID");
    ObjectNode build = GcpApi.JSON.createObjectNode();
    build.putArray("steps").add(step);
    build.put("timeout", "7200s");
    build.putArray("tags").add("gce-daisy").add("gce-daisy-image-export");
    temporaries.object(objectOf(image));
    JsonNode op = api.post(builds(), build, "cloudbuild.builds.create");
    String id = op.path("metadata").path("build").path("id").asText(null);
    if (id == null) {
      throw new ProviderException(Kind.EXPORT_FAILED, "Cloud Build accepted the image-export build of " + image
          + " but named no build id (operation " + op.path("name").asText() + ")");
    }
    temporaries.build(id);
    System.err.println("gcp: image-export build " + id + " of image " + image + " to gs://" + config.stagingBucket()
        + "/" + objectOf(image) + " (log: " + op.path("metadata").path("build").path("logUrl").asText("-") + ")");
    return id;
  }

  /** Polls build {@code id} until it ends, printing its status as it changes; a failed build is one line. */
  void await(String id, String image) throws ProviderException, InterruptedException {
    long wait = 200;
    String shown = "";
    Instant start = Instant.now();
    while (true) {
      JsonNode b = api.get(builds() + "/" + id, "cloudbuild.builds.get");
      String status = b.path("status").asText();
      if (!status.equals(shown)) {
        System.err.println("gcp: build " + id + " (" + image + "): " + status + " after "
            + Duration.between(start, Instant.now()).toSeconds() + " s");
        shown = status;
      }
      switch (status) {
        case "SUCCESS" -> {
          temporaries.buildEnded(id);
          return;
        }
        case "FAILURE", "INTERNAL_ERROR", "TIMEOUT", "CANCELLED", "EXPIRED" -> {
          temporaries.buildEnded(id);
          throw new ProviderException(Kind.EXPORT_FAILED, "the image-export build " + id + " of " + image
              + " ended " + status + detail(b) + lastLines(b) + "; log: " + b.path("logUrl").asText("-"));
        }
        default -> { }
      }
      Thread.sleep(wait);
      wait = Math.min(wait * 2, MAX_POLL.toMillis());
    }
  }

  private static String detail(JsonNode b) {
    String d = b.path("failureInfo").path("detail").asText(b.path("statusDetail").asText(""));
    return d.isEmpty() ? "" : " (" + GcpApi.firstLine(d) + ")";
  }

  /** The failing step's last lines from the build's log in its logs bucket ("Step #N: ..."), if readable. */
  private String lastLines(JsonNode b) throws InterruptedException {
    String bucket = b.path("logsBucket").asText("").replaceFirst("^gs://", "");
    if (bucket.isEmpty()) {
      return "";
    }
    int failed = 0;
    for (int i = 0; i < b.path("steps").size(); i++) {
      if ("FAILURE".equals(b.path("steps").path(i).path("status").asText())) {
        failed = i;
      }
    }
    int slash = bucket.indexOf('/');
    String name = (slash < 0 ? "" : bucket.substring(slash + 1) + "/") + "log-" + b.path("id").asText() + ".txt";
    String url = config.storage() + "/storage/v1/b/" + (slash < 0 ? bucket : bucket.substring(0, slash)) + "/o/"
        + URLEncoder.encode(name, StandardCharsets.UTF_8) + "?alt=media";
    String prefix = "Step #" + failed;
    try {
      List<String> lines = api.text(url, "storage.objects.get").lines().filter(l -> l.startsWith(prefix))
          .map(l -> l.replaceFirst("^Step #\\d+( - \"[^\"]*\")?: ", "").strip()).filter(l -> !l.isEmpty())
          .toList();
      if (lines.isEmpty()) {
        return "";
      }
      return ": " + String.join(" / ", lines.subList(Math.max(0, lines.size() - LOG_LINES), lines.size()));
    } catch (ProviderException e) {
      // The log is a help, not the failure: the log URL is shown either way.
      return "";
    }
  }

  private String builds() {
    return config.cloudBuild() + "/v1/projects/" + config.project() + "/builds";
  }
}
