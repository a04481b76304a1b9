package io.hypersdk.jobs.connections;

import io.hypersdk.providers.InvalidSettingException;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderFactory;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.Providers;
import io.hypersdk.providers.SettingSpec;
import io.hypersdk.providers.VmSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The daemon's named connections, and the one place where a provider, a connection, a job's own settings and
 * its in-memory secrets become {@link ProviderSettings}: jobs, the VM listing and the connection test use it.
 */
public final class Connections {
  private final Providers providers;
  private final Map<String, NamedConnection> byName;
  private final Map<String, String> env;

  private Connections(Providers providers, Map<String, NamedConnection> byName, Map<String, String> env) {
    this.providers = providers;
    this.byName = byName;
    this.env = env;
  }

  /** Connections defined in a config file, by name: {@code provider} plus settings of that provider's schema. */
  public static Connections define(Providers providers, Map<String, Map<String, Object>> config,
      Map<String, String> env) throws ProviderException {
    Map<String, NamedConnection> byName = new TreeMap<>();
    for (Map.Entry<String, Map<String, Object>> e : config.entrySet()) {
      byName.put(e.getKey(), connection(providers, e.getKey(), e.getValue() == null ? Map.of() : e.getValue()));
    }
    return new Connections(providers, byName, env);
  }

  private static NamedConnection connection(Providers providers, String name, Map<String, Object> raw)
      throws ProviderException {
    String where = "connections." + name;
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
      throw new InvalidSettingException(where, "a connection name is letters, digits, '.', '_' or '-'");
    }
    Object provider = raw.get("provider");
    if (!(provider instanceof String p) || p.isBlank()) {
      throw new InvalidSettingException(where + ".provider", "is required (available: "
          + String.join(", ", providers.names()) + ")");
    }
    ProviderFactory f;
    try {
      f = providers.get(p);
    } catch (ProviderException e) {
      throw new InvalidSettingException(where + ".provider", e.getMessage());
    }
    ProviderSettings.Builder b = ProviderSettings.builder(f);
    List<String> secrets = new ArrayList<>();
    for (Map.Entry<String, Object> s : raw.entrySet()) {
      if (s.getKey().equals("provider")) {
        continue;
      }
      Optional<SettingSpec> spec = f.setting(s.getKey());
      if (spec.isPresent() && spec.get().secret()) {
        throw new InvalidSettingException(where + "." + s.getKey(), "secrets come only from files here; use "
            + s.getKey() + "_file");
      }
      try {
        b.set(s.getKey(), s.getValue());
      } catch (InvalidSettingException e) {
        throw new InvalidSettingException(where + "." + e.setting(), e.reason());
      }
      secretOfFile(f, s.getKey()).ifPresent(secrets::add);
    }
    return new NamedConnection(name, p, b.build(Map.of()).shown(), secrets);
  }

  /** The secret a {@code NAME_file} setting holds, when NAME is a secret setting of {@code f}. */
  private static Optional<String> secretOfFile(ProviderFactory f, String setting) {
    if (!setting.endsWith("_file")) {
      return Optional.empty();
    }
    String secret = setting.substring(0, setting.length() - "_file".length());
    return f.setting(secret).filter(SettingSpec::secret).map(SettingSpec::name);
  }

  public List<NamedConnection> list() {
    return List.copyOf(byName.values());
  }

  public Optional<NamedConnection> get(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The named connection; an unknown name is refused as the setting {@code connection}, listing the known ones. */
  public NamedConnection require(String name) throws InvalidSettingException {
    NamedConnection c = byName.get(name);
    if (c == null) {
      throw new InvalidSettingException("connection", "no connection named '" + name + "' is configured (configured: "
          + this + ")");
    }
    return c;
  }

  public Providers providers() {
    return providers;
  }

  /**
   * The settings to open {@code provider} with: the named connection's (if any), then {@code given} (a client's,
   * secrets included, held in memory only) on top. A connection that is not configured, or of another provider,
   * is refused; so is a secret's file from a client, since it would make the daemon read any file it can.
   */
  public ProviderSettings settings(String provider, String connection, Map<String, ?> given)
      throws ProviderException {
    ProviderFactory f = providers.get(provider);
    ProviderSettings.Builder b = ProviderSettings.builder(f);
    if (connection != null) {
      NamedConnection c = require(connection);
      if (!c.provider().equals(provider)) {
        throw new InvalidSettingException("connection", "'" + connection + "' is a " + c.provider()
            + " connection, not " + provider);
      }
      b.setAll(c.settings());
    }
    for (String key : given.keySet()) {
      if (secretOfFile(f, key).isPresent()) {
        throw new InvalidSettingException(key, "a secret's file can only be set in a connection of the daemon's "
            + "config; give " + secretOfFile(f, key).get() + " or use a connection");
      }
    }
    b.setAll(given);
    return b.build(env);
  }

  /** What logging in with a named connection gave: the server's own name, or the one-line reason. */
  public record TestOutcome(boolean ok, String server, String error) {}

  /** Logs in with the named connection (which must exist) and says what answered. */
  public TestOutcome test(String name) {
    NamedConnection c = byName.get(name);
    try (Provider p = providers.get(c.provider()).open(settings(c.provider(), name, Map.of()))) {
      return new TestOutcome(true, p.server(), null);
    } catch (ProviderException e) {
      return new TestOutcome(false, null, firstLine(e.getMessage()));
    }
  }

  /** The VMs {@code provider} lists with a named connection and/or the given settings. */
  public List<VmSummary> listVms(String provider, String connection, Map<String, ?> given) throws ProviderException {
    try (Provider p = providers.get(provider).open(settings(provider, connection, given))) {
      return p.listVms();
    }
  }

  /** The connections' names, or "none": what the daemon's start-up line and the docs show. */
  @Override
  public String toString() {
    return byName.isEmpty() ? "none" : String.join(", ", byName.keySet());
  }

  private static String firstLine(String s) {
    return s == null ? "failed" : s.lines().findFirst().orElse("failed");
  }
}
