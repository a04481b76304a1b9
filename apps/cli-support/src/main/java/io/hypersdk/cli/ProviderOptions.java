package io.hypersdk.cli;

import io.hypersdk.providers.InvalidSettingException;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderFactory;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.Providers;
import io.hypersdk.providers.SettingSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import picocli.CommandLine.Model.ArgGroupSpec;
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

  /**
   * Adds a flag for every non-secret setting of every provider on the class path to {@code spec}, in help
   * sections per provider ("vSphere options:"); a flag several providers declare goes in a section naming them
   * all, after the single-provider sections.
   */
  public static ProviderOptions addTo(CommandSpec spec, Providers providers) {
    ProviderOptions o;
    try {
      o = new ProviderOptions(providers);
    } catch (ProviderException e) {
      throw new IllegalStateException(e);
    }
    Map<List<ProviderFactory>, List<OptionSpec>> sections = new LinkedHashMap<>();
    o.byFlag.forEach((flag, list) -> sections.computeIfAbsent(list.stream().map(SettingOf::factory).toList(),
        k -> new ArrayList<>()).add(option(flag, list)));
    List<List<ProviderFactory>> order = new ArrayList<>(sections.keySet());
    order.sort(Comparator.comparingInt(List::size));
    for (List<ProviderFactory> declaring : order) {
      ArgGroupSpec.Builder group = ArgGroupSpec.builder().exclusive(false).validate(false).multiplicity("0..1")
          .heading("%n" + titles(declaring) + " options:%n");
      sections.get(declaring).forEach(group::addArg);
      spec.addArgGroup(group.build());
    }
    // picocli ends a group section without a blank line: keep one before the subcommands that follow.
    if (!spec.usageMessage().commandListHeading().startsWith("%n")) {
      spec.usageMessage().commandListHeading("%n" + spec.usageMessage().commandListHeading());
    }
    return o;
  }

  /** "vSphere", "AWS and vSphere", "AWS, Local and vSphere". */
  private static String titles(List<ProviderFactory> factories) {
    List<String> t = factories.stream().map(ProviderFactory::title).toList();
    return t.size() == 1 ? t.get(0)
        : String.join(", ", t.subList(0, t.size() - 1)) + " and " + t.get(t.size() - 1);
  }

  /**
   * The flag of a setting declared by one or more providers. Its help says each provider's meaning and default
   * when they differ ("default: aws 8, vsphere 3"); each provider applies its own default when the flag is
   * not given.
   */
  private static OptionSpec option(String flag, List<SettingOf> list) {
    SettingSpec s = list.get(0).spec();
    StringBuilder d = new StringBuilder(differ(list, x -> x.spec().description())
        ? String.join("; ", list.stream().map(x -> x.factory().name() + ": " + x.spec().description()).toList())
        : capitalized(s.description()));
    List<String> notes = new ArrayList<>();
    if (s.type() != SettingSpec.Type.BOOL && list.stream().anyMatch(x -> x.spec().defaultValue() != null)) {
      notes.add("default: " + (differ(list, x -> x.spec().defaultValue())
          ? String.join(", ", list.stream().filter(x -> x.spec().defaultValue() != null)
              .map(x -> x.factory().name() + " " + x.spec().defaultValue()).toList())
          : s.defaultValue()));
    }
    List<String> env = list.stream().flatMap(x -> x.spec().env().stream()).distinct().toList();
    if (!env.isEmpty()) {
      notes.add((notes.isEmpty() ? "default: " : "else ")
          + String.join(", else ", env.stream().map(v -> "$" + v).toList()));
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
      default -> b.type(String.class).paramLabel(s.name().toUpperCase(Locale.ROOT));
    }
    return b.build();
  }

  private static String capitalized(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static boolean differ(List<SettingOf> list, Function<SettingOf, String> what) {
    return list.stream().map(what).distinct().count() > 1;
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
