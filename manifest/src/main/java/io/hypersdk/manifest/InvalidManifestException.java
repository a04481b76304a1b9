package io.hypersdk.manifest;

import java.util.List;
import java.util.stream.Collectors;

/** A manifest that parsed but breaks the v1.0 rules. */
public class InvalidManifestException extends ManifestException {
  private static final long serialVersionUID = 1L;
  private final transient List<Violation> violations;

  public InvalidManifestException(String origin, List<Violation> violations) {
    super("invalid manifest " + origin + ": "
        + violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
    this.violations = List.copyOf(violations);
  }

  /** A document that is not an Artifact Manifest at all, so field rules would not help; the message says why. */
  public InvalidManifestException(String message) {
    super(message);
    this.violations = List.of();
  }

  public List<Violation> violations() {
    return violations;
  }
}
