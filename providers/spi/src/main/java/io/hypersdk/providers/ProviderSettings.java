package io.hypersdk.providers;

import java.util.Map;
import java.util.Optional;

/** Connection settings for a provider, by key (e.g. {@code url}, {@code username}); never secrets in clear logs. */
public record ProviderSettings(Map<String, String> options) {
  public ProviderSettings {
    options = Map.copyOf(options);
  }

  public static ProviderSettings empty() {
    return new ProviderSettings(Map.of());
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(options.get(key));
  }
}
