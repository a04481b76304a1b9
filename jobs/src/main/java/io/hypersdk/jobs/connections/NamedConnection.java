package io.hypersdk.jobs.connections;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A connection the daemon's config defines: its provider and settings. Secrets are never among the settings;
 * {@code secrets} names the secret settings whose file ({@code NAME_file}) is configured, read when used.
 */
public record NamedConnection(String name, String provider, Map<String, String> settings, List<String> secrets) {
  public NamedConnection {
    settings = new TreeMap<>(settings);
    secrets = List.copyOf(secrets);
  }
}
