package io.hypersdk.manifest;

/** One broken rule: the field in manifest notation (e.g. {@code disks[1].checksum}) and the rule it breaks. */
public record Violation(String field, String rule) {
  @Override
  public String toString() {
    return field + ": " + rule;
  }
}
