package io.hypersdk.providers.gcp;

import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderFactory;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.SettingSpec;
import io.hypersdk.providers.SettingSpec.Type;
import java.util.List;

/** Registers the {@code gcp} provider: Compute Engine instances exported through the image-export build. */
public final class GcpProviderFactory implements ProviderFactory {
  static final String PROJECT = "project";
  static final String ZONE = "zone";
  static final String CREDENTIALS_FILE = "credentials_file";
  static final String STAGING_BUCKET = "staging_bucket";
  static final String IMAGE_FORMAT = "image_format";
  static final String CRASH_CONSISTENT = "crash_consistent";
  static final String PARALLEL = "parallel";
  static final int DEFAULT_PARALLEL = 8;
  static final String KEEP_EXPORT = "keep_export";
  static final String COMPUTE_ENDPOINT = "compute_endpoint";
  static final String STORAGE_ENDPOINT = "storage_endpoint";
  static final String CLOUDBUILD_ENDPOINT = "cloudbuild_endpoint";

  private static final List<SettingSpec> SETTINGS = List.of(
      SettingSpec.builder(PROJECT, Type.STRING).required().env("GOOGLE_CLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT")
          .description("Google Cloud project id of the instance, e.g. my-project-123").build(),
      SettingSpec.builder(ZONE, Type.STRING).env("CLOUDSDK_COMPUTE_ZONE")
          .description("zone of the instance, e.g. europe-west1-b; without one, every zone of the project is "
              + "searched").build(),
      SettingSpec.builder(CREDENTIALS_FILE, Type.PATH).env("GOOGLE_APPLICATION_CREDENTIALS")
          .description("service-account key file (JSON); without one, Application Default Credentials (gcloud auth "
              + "application-default login, or the metadata server on Google Cloud)").build(),
      SettingSpec.builder(STAGING_BUCKET, Type.STRING)
          .description("Cloud Storage bucket the image-export build writes each disk to (needed to export; the "
              + "object is deleted after the download)").build(),
      SettingSpec.builder(IMAGE_FORMAT, Type.ENUM).choices(GcpConfig.QCOW2, GcpConfig.VMDK, GcpConfig.RAW)
          .defaultValue(GcpConfig.QCOW2)
          .description("what the image-export build writes: qcow2, vmdk, or raw (image.tar.gz holding a sparse "
              + "disk.raw, downloaded and then unpacked)").build(),
      SettingSpec.builder(CRASH_CONSISTENT, Type.BOOL).defaultValue("false")
          .description("snapshot a running instance without asking its guest agent to flush file systems first "
              + "(by default it is asked, and a guest that cannot flush is snapshotted crash-consistent)").build(),
      SettingSpec.builder(PARALLEL, Type.INT).defaultValue(Integer.toString(DEFAULT_PARALLEL))
          .description("byte ranges of the staged object fetched at once, 1 to 32").build(),
      SettingSpec.builder(KEEP_EXPORT, Type.BOOL).defaultValue("false")
          .description("keep the images, snapshots and staged objects after the export (by default deleted)")
          .build(),
      SettingSpec.builder(COMPUTE_ENDPOINT, Type.STRING)
          .description("Compute Engine API endpoint instead of https://compute.googleapis.com (private endpoints, "
              + "tests)").build(),
      SettingSpec.builder(STORAGE_ENDPOINT, Type.STRING)
          .description("Cloud Storage JSON API endpoint instead of https://storage.googleapis.com").build(),
      SettingSpec.builder(CLOUDBUILD_ENDPOINT, Type.STRING)
          .description("Cloud Build API endpoint instead of https://cloudbuild.googleapis.com").build());

  @Override
  public String name() {
    return "gcp";
  }

  @Override
  public String title() {
    return "GCP";
  }

  @Override
  public String description() {
    return "Compute Engine instances, snapshotted while they run and exported through the image-export build";
  }

  @Override
  public List<SettingSpec> settings() {
    return SETTINGS;
  }

  @Override
  public Provider open(ProviderSettings settings) throws ProviderException {
    return new GcpProvider(GcpConfig.from(settings, System.getenv()));
  }
}
