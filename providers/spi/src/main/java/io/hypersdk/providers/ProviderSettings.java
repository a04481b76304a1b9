package io.hypersdk.providers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Settings for a provider, by the names its {@link ProviderFactory#settings()} declares. {@code secrets} names
 * the values that must never be shown: {@link #toString} and {@link #shown()} leave them out.
 */
public record ProviderSettings(Map<String, String> options, Set<String> secrets) {
  public ProviderSettings {
    options = Map.copyOf(options);
    secrets = Set.copyOf(secrets);
  }

  public ProviderSettings(Map<String, String> options) {
    this(options, Set.of());
  }

  public static ProviderSettings empty() {
    return new ProviderSettings(Map.of());
  }

  /** The one way every caller (hyperexport, hypervisord, the TUI) turns values into settings: checked by schema. */
  public static Builder builder(ProviderFactory factory) {
    return new Builder(factory);
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(options.get(key));
  }

  /** The values that may be shown or stored: every one but the secrets. */
  public Map<String, String> shown() {
    Map<String, String> m = new LinkedHashMap<>(options);
    m.keySet().removeAll(secrets);
    return m;
  }

  @Override
  public String toString() {
    return "ProviderSettings" + new TreeSet<>(shown().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.toSet())) + (secrets.stream().anyMatch(options::containsKey) ? " (secrets hidden)" : "");
  }

  /** Collects values by setting name, checking each against the provider's declaration as it comes. */
  public static final class Builder {
    private final ProviderFactory factory;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> secrets = new TreeSet<>();

    private Builder(ProviderFactory factory) {
      this.factory = factory;
    }

    /** Sets one value; null or empty means "not given". An unknown name or a wrong value is refused. */
    public Builder set(String name, Object value) throws InvalidSettingException {
      SettingSpec spec = factory.setting(name).orElseThrow(() -> new InvalidSettingException(name,
          "unknown setting of provider " + factory.name() + " (known: " + factory.settings().stream()
              .map(SettingSpec::name).collect(Collectors.joining(", ")) + ")"));
      if (value == null || value.toString().isEmpty()) {
        return this;
      }
      values.put(name, spec.normalize(value.toString()));
      if (spec.secret()) {
        secrets.add(name);
      }
      return this;
    }

    /** Sets every entry of {@code m}, in its order. */
    public Builder setAll(Map<String, ?> m) throws InvalidSettingException {
      for (Map.Entry<String, ?> e : m.entrySet()) {
        set(e.getKey(), e.getValue());
      }
      return this;
    }

    /**
     * The settings; a required setting that is missing is refused, unless one of its environment variables
     * (in {@code env}) is set, since the provider falls back to it.
     */
    public ProviderSettings build(Map<String, String> env) throws InvalidSettingException {
      for (SettingSpec s : factory.settings()) {
        if (s.required() && !values.containsKey(s.name()) && s.env().stream().noneMatch(v -> env.get(v) != null
            && !env.get(v).isBlank())) {
          throw new InvalidSettingException(s.name(), "is required by provider " + factory.name()
              + (s.env().isEmpty() ? "" : " (or set " + String.join(" or ", s.env()) + ")"));
        }
      }
      return new ProviderSettings(values, secrets);
    }
  }
}
