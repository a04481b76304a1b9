package io.hypersdk.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Recognises the manifest shapes of upstream hyper2kvm, which this converter does not read, so that their
 * authors learn what the file is and what is expected instead of a list of missing v1.0 fields.
 */
final class OtherDialects {
  /** Where the v1.0 format is described, for the messages. */
  static final String REFERENCE = "docs/PIPELINE_INTEGRATION.md#artifact-manifest-v10";
  private static final String EXPECTED = "this converter reads Artifact Manifest v1.0 (manifest_version \"1.0\", "
      + "source.vm_name, disks[] with local_path and source_format): see " + REFERENCE;

  private OtherDialects() {}

  /** What the document is, when it is a known other shape; only documents without manifest_version are. */
  static Optional<String> describe(JsonNode tree) {
    if (tree.has("manifest_version")) {
      return Optional.empty();
    }
    JsonNode load = tree.path("pipeline").path("load");
    if (load.has("source_type") || load.has("source_path") || tree.has("source_path")) {
      return Optional.of("this is an upstream hyper2kvm workflow manifest (pipeline.load.source_type"
          + quoted(load.path("source_type")) + " with a source_path), not an Artifact Manifest; " + EXPECTED);
    }
    if (tree.has("version") && tree.path("source").has("type")) {
      return Optional.of("this is an upstream hyper2kvm manifest (version" + quoted(tree.get("version"))
          + ", source.type" + quoted(tree.path("source").path("type")) + "), not an Artifact Manifest; " + EXPECTED);
    }
    return Optional.empty();
  }

  private static String quoted(JsonNode v) {
    return v.isValueNode() ? " \"" + v.asText() + "\"" : "";
  }
}
