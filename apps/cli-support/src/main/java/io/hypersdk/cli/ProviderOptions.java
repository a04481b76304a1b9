package io.hypersdk.cli;

import io.hypersdk.providers.InvalidSettingException;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderFactory;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.Providers;
import io.hypersdk.providers.SettingSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * A command's provider flags, made from every provider's declared settings: one flag per setting (providers
 * that declare the same flag share it), never one for a secret, which would show in process listings.
 */
public final class ProviderOptions {
  private final Providers providers;
  /** Each flag and the providers declaring it, in declaration order. */
  private final Map<String, List<SettingOf>> byFlag = new LinkedHashMap<>();

  private record SettingOf(ProviderFactory factory, SettingSpec spec) {}

  private ProviderOptions(Providers providers) throws ProviderException {
    this.providers = providers;
    for (String name : providers.names()) {
      ProviderFactory f = providers.get(name);
      for (SettingSpec s : f.settings()) {
        if (!s.secret()) {
          byFlag.computeIfAbsent(s.flag(), k -> new ArrayList<>()).add(new SettingOf(f, s));
        }
      }
    }
  }

  /** Adds a flag for every non-secret setting of every provider on the class path to {@code spec}. */
  public static ProviderOptions addTo(CommandSpec spec, Providers providers) {
    ProviderOptions o;
    try {
      o = new ProviderOptions(providers);
    } catch (ProviderException e) {
      throw new IllegalStateException(e);
    }
    o.byFlag.forEach((flag, list) -> spec.addOption(o.option(flag, list)));
    return o;
  }

  private OptionSpec option(String flag, List<SettingOf> list) {
    SettingSpec s = list.get(0).spec();
    StringBuilder d = new StringBuilder(String.join(", ", list.stream().map(x -> x.factory().name()).toList()))
        .append(": ").append(s.description());
    List<String> notes = new ArrayList<>();
    if (s.defaultValue() != null && s.type() != SettingSpec.Type.BOOL) {
      notes.add("default: " + s.defaultValue());
    }
    if (!s.env().isEmpty()) {
      notes.add((s.defaultValue() == null || s.type() == SettingSpec.Type.BOOL ? "default: " : "else ")
          + String.join(", else ", s.env().stream().map(v -> "$" + v).toList()));
    }
    if (!notes.isEmpty()) {
      d.append(" (").append(String.join("; ", notes)).append(")");
    }
    d.append('.');
    OptionSpec.Builder b = OptionSpec.builder(flag).description(d.toString());
    switch (s.type()) {
      case BOOL -> b.type(boolean.class);
      case INT -> b.type(Integer.class).paramLabel("N");
      case PATH -> b.type(Path.class).paramLabel("FILE");
      case ENUM -> b.type(String.class).paramLabel(String.join("|", s.choices()));
      default -> b.type(String.class).paramLabel(s.name().toUpperCase(java.util.Locale.ROOT));
    }
    return b.build();
  }

  /**
   * The settings for {@code provider} from the flags given on this command line; a flag of another provider
   * is refused, naming it.
   */
  public ProviderSettings settings(ParseResult parsed, String provider) throws ProviderException {
    ProviderFactory f = providers.get(provider);
    Map<String, Object> values = new TreeMap<>();
    for (Map.Entry<String, List<SettingOf>> e : byFlag.entrySet()) {
      if (!parsed.hasMatchedOption(e.getKey())) {
        continue;
      }
      SettingOf mine = e.getValue().stream().filter(x -> x.factory().name().equals(provider)).findFirst()
          .orElseThrow(() -> new InvalidSettingException(e.getKey(), "is not a setting of provider " + provider));
      Object v = parsed.matchedOptionValue(e.getKey(), null);
      values.put(mine.spec().name(), v instanceof Path p ? p.toAbsolutePath().normalize().toString() : v);
    }
    try {
      return ProviderSettings.builder(f).setAll(values).build(System.getenv());
    } catch (InvalidSettingException e) {
      throw new InvalidSettingException(f.setting(e.setting()).map(SettingSpec::flag).orElse(e.setting()), e.reason());
    }
  }
}
