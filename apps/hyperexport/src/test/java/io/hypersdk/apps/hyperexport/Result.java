package io.hypersdk.apps.hyperexport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;

/** How a tool run ended: exit code, what it printed, and how long the test waited for it. */
public record Result(String label, int exit, String stdout, String stderr, long waitedMs, long cpuMs) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** stdout parsed as one JSON object (what --json promises: nothing else on stdout). */
  public JsonNode json() {
    try {
      return JSON.readTree(stdout);
    } catch (IOException e) {
      throw new AssertionError("stdout of " + label + " is not one JSON object: " + e.getMessage() + "\n" + this);
    }
  }

  public List<String> stdoutLines() {
    return stdout.lines().toList();
  }

  public List<String> stderrLines() {
    return stderr.lines().toList();
  }

  /** The values of stdout lines {@code PREFIX: value}. */
  public List<String> values(String prefix) {
    return stdout.lines().filter(l -> l.startsWith(prefix + ": ")).map(l -> l.substring(prefix.length() + 2))
        .toList();
  }

  /** Everything, for assertion messages. */
  @Override
  public String toString() {
    return label + " exited " + exit + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
  }
}
