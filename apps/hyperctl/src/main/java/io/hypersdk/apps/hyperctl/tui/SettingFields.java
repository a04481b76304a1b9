package io.hypersdk.apps.hyperctl.tui;

import io.hypersdk.providers.SettingSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Connect step's fields made from a provider's declared settings, so a new provider needs no TUI change:
 * text for strings, numbers and paths (masked when secret), no/yes for booleans, the choices for an enum.
 */
final class SettingFields {
  /** Name parts shown in capitals in a label. */
  private static final Set<String> ACRONYMS = Set.of("url", "ca", "arn", "tls", "id", "aws", "ec2", "vm", "uri", "arm");

  private SettingFields() {}

  /** One field per setting, reading and writing {@code values} by setting name; blank means "not given". */
  static List<FormField> of(List<SettingSpec> specs, Map<String, String> values) {
    List<FormField> fields = new ArrayList<>();
    for (SettingSpec s : specs) {
      fields.add(switch (s.type()) {
        case BOOL -> new ChoiceField(label(s), () -> List.of("no", "yes"),
            () -> yes(values.getOrDefault(s.name(), s.defaultValue())) ? "yes" : "no", v -> values.put(s.name(), v));
        case ENUM -> new ChoiceField(label(s), () -> enumChoices(s),
            () -> values.getOrDefault(s.name(), s.defaultValue() == null ? "" : s.defaultValue()),
            v -> values.put(s.name(), v));
        default -> new TextField(label(s), () -> values.getOrDefault(s.name(), ""), v -> values.put(s.name(), v),
            s.secret());
      });
    }
    return fields;
  }

  /** "url" is "URL", "password_file" is "Password file", "role_arn" is "Role ARN". */
  static String label(SettingSpec s) {
    String[] parts = s.name().split("_");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      String shown = ACRONYMS.contains(p) ? p.toUpperCase(Locale.ROOT)
          : i == 0 && !p.isEmpty() ? Character.toUpperCase(p.charAt(0)) + p.substring(1) : p;
      b.append(i == 0 ? "" : " ").append(shown);
    }
    return b.toString();
  }

  /** What the hint line says about a setting: its description, and its default when it has one. */
  static String hint(SettingSpec s) {
    return label(s) + ": " + s.description() + (s.defaultValue() == null ? "" : " (default " + s.defaultValue() + ")")
        + (s.required() ? "; required" : "");
  }

  private static boolean yes(String v) {
    return v != null && List.of("true", "yes", "1").contains(v.strip().toLowerCase(Locale.ROOT));
  }

  /** An optional enum without a default can be left unset, shown as an empty choice. */
  private static List<String> enumChoices(SettingSpec s) {
    if (s.required() || s.defaultValue() != null) {
      return s.choices();
    }
    List<String> all = new ArrayList<>(List.of(""));
    all.addAll(s.choices());
    return all;
  }
}
