package io.hypersdk.providers;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The registry of providers on the class path. */
public final class Providers {
  private final Map<String, ProviderFactory> byName = new TreeMap<>();

  private Providers() {}

  /** Every provider that registered itself with ServiceLoader. */
  public static Providers discover() {
    Providers p = new Providers();
    for (ProviderFactory f : ServiceLoader.load(ProviderFactory.class)) {
      p.byName.put(f.name(), f);
    }
    return p;
  }

  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  public ProviderFactory get(String name) throws ProviderException {
    ProviderFactory f = byName.get(name);
    if (f == null) {
      throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "provider '" + name
          + "' is not available in this build (available: " + String.join(", ", names()) + ")");
    }
    return f;
  }
}
