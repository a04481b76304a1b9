package io.hypersdk.apps.hyperctl.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Where hypervisord is and the token to send. Each setting comes from the first of: a flag ({@code --url},
 * {@code --token-file}), the environment ({@code HYPERCTL_URL}, {@code HYPERCTL_TOKEN}), the config file
 * ({@code ~/.config/hypersdk/hyperctl.yaml}: {@code url}, {@code token_file} or {@code token}); the URL
 * defaults to {@value #DEFAULT_URL}. A token is never taken from a flag: process listings show flags.
 */
public final class ConnectionSettings {
  public static final String DEFAULT_URL = "http://127.0.0.1:8080";
  private static final Set<String> KEYS = Set.of("url", "token_file", "token");

  private final URI url;
  private final String token;

  public ConnectionSettings(URI url, String token) {
    this.url = url;
    this.token = token;
  }

  /** The base URL, without a trailing slash. */
  public URI url() {
    return url;
  }

  /** The bearer token, or null to send none. */
  public String token() {
    return token;
  }

  /** The config file's usual place: {@code $XDG_CONFIG_HOME/hypersdk/hyperctl.yaml}, else under {@code ~/.config}. */
  public static Path defaultConfigFile(Map<String, String> env) {
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
        : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
    return base.resolve("hypersdk").resolve("hyperctl.yaml");
  }

  /**
   * Resolves the settings. {@code urlFlag} and {@code tokenFileFlag} are null when not given;
   * {@code configFile} may be absent, unless {@code configRequired}.
   */
  public static ConnectionSettings resolve(String urlFlag, Path tokenFileFlag, Map<String, String> env,
      Path configFile, boolean configRequired) throws HypervisordException {
    JsonNode file = readConfig(configFile, configRequired);
    String url = firstNonBlank(urlFlag, env.get("HYPERCTL_URL"), file.path("url").asText(null), DEFAULT_URL);
    String token;
    if (tokenFileFlag != null) {
      token = readToken(tokenFileFlag, "--token-file");
    } else if (env.get("HYPERCTL_TOKEN") != null && !env.get("HYPERCTL_TOKEN").isBlank()) {
      token = env.get("HYPERCTL_TOKEN").strip();
    } else if (file.hasNonNull("token_file")) {
      Path p = Path.of(file.get("token_file").asText());
      token = readToken(configFile.toAbsolutePath().getParent().resolve(p), configFile + ": token_file");
    } else if (file.hasNonNull("token")) {
      token = file.get("token").asText().strip();
    } else {
      token = null;
    }
    return new ConnectionSettings(parseUrl(url), token);
  }

  private static JsonNode readConfig(Path file, boolean required) throws HypervisordException {
    try {
      byte[] bytes = Files.readAllBytes(file);
      JsonNode node = new YAMLMapper().readTree(bytes);
      if (node == null || node.isMissingNode() || node.isNull()) {
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
      }
      if (!node.isObject()) {
        throw new HypervisordException(0, file + ": must be a YAML mapping with url, token_file or token");
      }
      for (var it = node.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!KEYS.contains(key)) {
          throw new HypervisordException(0, file + ": unknown key '" + key + "' (known: url, token_file, token)");
        }
      }
      return node;
    } catch (NoSuchFileException e) {
      if (required) {
        throw new HypervisordException(0, "config file " + file + " does not exist");
      }
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    } catch (IOException e) {
      String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      throw new HypervisordException(0, file + ": " + msg);
    }
  }

  private static String readToken(Path file, String origin) throws HypervisordException {
    try {
      String t = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (t.isEmpty()) {
        throw new HypervisordException(0, origin + ": " + file + " is empty");
      }
      return t;
    } catch (NoSuchFileException e) {
      throw new HypervisordException(0, origin + ": " + file + " does not exist");
    } catch (IOException e) {
      throw new HypervisordException(0, origin + ": cannot read " + file + ": " + e.getMessage());
    }
  }

  private static URI parseUrl(String url) throws HypervisordException {
    String u = url.strip();
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    try {
      URI uri = URI.create(u);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new HypervisordException(0, "'" + url + "' is not a hypervisord URL (like " + DEFAULT_URL + ")");
    }
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }

  /** Names the URL only: the token must never reach a log or a message. */
  @Override
  public String toString() {
    return "hypervisord at " + url + (token == null ? " (no token)" : " (with token)");
  }
}
