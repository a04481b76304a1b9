package io.hypersdk.providers.gcp;

import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The gcp provider's settings, checked: which project and zone, whose credentials, where the image-export build
 * stages each disk and in what format, and the three API endpoints.
 */
record GcpConfig(String project, String zone, Path credentialsFile, String stagingBucket, String imageFormat,
    boolean guestFlush, int parallel, boolean keepExport, URI compute, URI storage, URI cloudBuild) {
  static final String QCOW2 = "qcow2";
  static final String VMDK = "vmdk";
  static final String RAW = "raw";
  private static final Pattern PROJECT_ID = Pattern.compile("[a-z][a-z0-9-]{4,28}[a-z0-9]|[a-z0-9.-]+:[a-z][a-z0-9-]+");
  private static final Pattern ZONE = Pattern.compile("[a-z]+-[a-z]+[0-9]+-[a-z]");

  static GcpConfig from(ProviderSettings s, Map<String, String> env) throws ProviderException {
    String project = s.get(GcpProviderFactory.PROJECT).or(() -> nonBlank(env.get("GOOGLE_CLOUD_PROJECT")))
        .or(() -> nonBlank(env.get("CLOUDSDK_CORE_PROJECT"))).orElseThrow(() -> invalid(
            "--project is required by provider gcp (or set GOOGLE_CLOUD_PROJECT)"));
    if (!PROJECT_ID.matcher(project).matches()) {
      throw invalid("--project " + project + " is not a Google Cloud project id (6 to 30 lowercase letters, digits "
          + "and dashes; gcloud projects list shows them)");
    }
    String zone = s.get(GcpProviderFactory.ZONE).or(() -> nonBlank(env.get("CLOUDSDK_COMPUTE_ZONE"))).orElse(null);
    if (zone != null && !ZONE.matcher(zone).matches()) {
      throw invalid("--zone " + zone + " is not a Compute Engine zone (e.g. europe-west1-b; gcloud compute zones "
          + "list shows them)");
    }
    Path key = s.get(GcpProviderFactory.CREDENTIALS_FILE).or(() -> nonBlank(env.get("GOOGLE_APPLICATION_CREDENTIALS")))
        .map(Path::of).orElse(null);
    int parallel = Integer.parseInt(s.get(GcpProviderFactory.PARALLEL)
        .orElse(Integer.toString(GcpProviderFactory.DEFAULT_PARALLEL)));
    if (parallel < 1 || parallel > 32) {
      throw invalid("--parallel must be 1 to 32, not " + parallel);
    }
    return new GcpConfig(project, zone, key, s.get(GcpProviderFactory.STAGING_BUCKET).orElse(null),
        s.get(GcpProviderFactory.IMAGE_FORMAT).orElse(QCOW2),
        !Boolean.parseBoolean(s.get(GcpProviderFactory.CRASH_CONSISTENT).orElse("false")), parallel,
        Boolean.parseBoolean(s.get(GcpProviderFactory.KEEP_EXPORT).orElse("false")),
        url("--compute-endpoint", s.get(GcpProviderFactory.COMPUTE_ENDPOINT).orElse("https://compute.googleapis.com")),
        url("--storage-endpoint", s.get(GcpProviderFactory.STORAGE_ENDPOINT).orElse("https://storage.googleapis.com")),
        url("--cloudbuild-endpoint", s.get(GcpProviderFactory.CLOUDBUILD_ENDPOINT)
            .orElse("https://cloudbuild.googleapis.com")));
  }

  /** The endpoint without a trailing slash, so API paths can be appended. */
  private static URI url(String flag, String e) throws ProviderException {
    URI u;
    try {
      u = new URI(e.replaceAll("/+$", ""));
    } catch (URISyntaxException x) {
      u = null;
    }
    if (u == null || u.getHost() == null || !(e.startsWith("http://") || e.startsWith("https://"))) {
      throw invalid(flag + " must be an http(s) URL, not '" + e + "'");
    }
    return u;
  }

  private static Optional<String> nonBlank(String v) {
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }

  private static ProviderException invalid(String message) {
    return new ProviderException(ProviderException.Kind.INVALID_REQUEST, message);
  }
}
