package io.hypersdk.manifest;

import java.util.Map;

/** Who wrote the manifest and for which job. */
public record Metadata(String hypersdkVersion, String jobId, String createdAt, Map<String, String> tags) {
  public Metadata {
    tags = tags == null ? null : Map.copyOf(tags);
  }
}
