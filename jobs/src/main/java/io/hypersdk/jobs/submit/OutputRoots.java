package io.hypersdk.jobs.submit;

import java.nio.file.Path;
import java.util.List;

/**
 * The folders jobs may write under. Empty means anywhere the daemon's user may write. Paths are compared
 * after normalisation, so {@code /exports/../etc} does not pass for {@code /exports}.
 */
public record OutputRoots(List<Path> roots) {
  public OutputRoots {
    roots = roots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
  }

  public boolean allows(Path p) {
    Path n = p.toAbsolutePath().normalize();
    return roots.isEmpty() || roots.stream().anyMatch(n::startsWith);
  }

  public String describe() {
    return roots.stream().map(Path::toString).reduce((a, b) -> a + ", " + b).orElse("anywhere");
  }
}
