package io.hypersdk.providers;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One setting a provider reads. hyperexport's flags, hypervisord's job fields and connections, hyperctl, the
 * dashboard and the docs are all made from these declarations, so a new provider needs no change there.
 * {@code env} lists the environment variables the provider falls back to, in order; a secret setting is never
 * a flag, never stored and never shown: its {@code NAME_file} setting (if declared) names a file holding it.
 */
public record SettingSpec(String name, Type type, String defaultValue, boolean required, boolean secret,
    String description, List<String> choices, List<String> env, String flag) {

  /** The kinds of value a setting takes. */
  public enum Type {
    STRING, INT, BOOL, PATH, ENUM;

    /** The name in the API and the docs. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public SettingSpec {
    choices = List.copyOf(choices);
    env = List.copyOf(env);
  }

  public static Builder builder(String name, Type type) {
    return new Builder(name, type);
  }

  /**
   * The value as the provider reads it: trimmed, booleans as {@code true}/{@code false}, paths absolute;
   * a wrong value is one line naming this setting.
   */
  public String normalize(String value) throws InvalidSettingException {
    String v = value.strip();
    switch (type) {
      case INT -> {
        try {
          return Integer.toString(Integer.parseInt(v));
        } catch (NumberFormatException e) {
          throw new InvalidSettingException(name, "must be a whole number, not '" + v + "'");
        }
      }
      case BOOL -> {
        String b = v.toLowerCase(Locale.ROOT);
        if (List.of("true", "yes", "1").contains(b)) {
          return "true";
        }
        if (List.of("false", "no", "0").contains(b)) {
          return "false";
        }
        throw new InvalidSettingException(name, "must be true or false, not '" + v + "'");
      }
      case ENUM -> {
        if (!choices.contains(v)) {
          throw new InvalidSettingException(name, "must be one of " + String.join(", ", choices) + ", not '" + v
              + "'");
        }
        return v;
      }
      case PATH -> {
        if (v.isEmpty()) {
          throw new InvalidSettingException(name, "must be a path");
        }
        return Path.of(v).toAbsolutePath().normalize().toString();
      }
      default -> {
        return secret ? value : v;
      }
    }
  }

  /** Builds a {@link SettingSpec}; only name and type are needed. */
  public static final class Builder {
    private final String name;
    private final Type type;
    private String defaultValue;
    private boolean required;
    private boolean secret;
    private String description = "";
    private List<String> choices = List.of();
    private List<String> env = List.of();
    private String flag;

    private Builder(String name, Type type) {
      this.name = name;
      this.type = type;
    }

    public Builder defaultValue(String v) {
      this.defaultValue = v;
      return this;
    }

    public Builder required() {
      this.required = true;
      return this;
    }

    public Builder secret() {
      this.secret = true;
      return this;
    }

    public Builder description(String d) {
      this.description = d;
      return this;
    }

    public Builder choices(String... c) {
      this.choices = List.of(c);
      return this;
    }

    public Builder env(String... variables) {
      this.env = List.of(variables);
      return this;
    }

    /** The command-line flag, when it is not {@code --} and the name with dashes. */
    public Builder flag(String f) {
      this.flag = f;
      return this;
    }

    public SettingSpec build() {
      return new SettingSpec(name, type, defaultValue, required, secret, description, choices, env,
          flag != null ? flag : "--" + name.replace('_', '-'));
    }
  }
}
