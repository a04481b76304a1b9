package io.hypersdk.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypersdk.apps.hyperconvert.HyperConvert;
import io.hypersdk.apps.hyperctl.HyperCtl;
import io.hypersdk.apps.hyperexport.HyperExport;
import io.hypersdk.apps.hypervisord.DaemonRuntime;
import io.hypersdk.apps.hypervisord.HyperVisord;
import io.hypersdk.apps.hypervisord.config.DaemonSettings;
import io.hypersdk.apps.hypervisord.config.SettingsLoader;
import io.hypersdk.queue.DaemonConfig;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docs/CONFIGURATION.md against the code: every flag of every command (with its default), every YAML key of
 * the queue daemon and of hypervisord (with its default), and every route, parameter and field of the REST
 * API as hypervisord's own OpenAPI document describes them (with their defaults).
 */
class ConfigurationReferenceTest {
  private static final String DOC = "docs/CONFIGURATION.md";
  static final String DAEMON_KEYS = "hyperconvert daemon configuration file";
  static final String HYPERVISORD_KEYS = "hypervisord configuration file";
  static final String REST_API = "hypervisord REST API";
  /** "(default: ...)" in an option's description, up to the closing parenthesis or a ';'. */
  private static final Pattern DESCRIBED_DEFAULT = Pattern.compile("\\(default: ([^);]*)");
  /** The checkable values in a described default: $ENV names, absolute paths, HOST:PORT, numbers, dotted keys. */
  private static final Pattern VALUE = Pattern.compile(
      "\\$[A-Z_][A-Z0-9_]*|/[\\w.@/-]*\\w|\\b\\d[\\d.]*:\\d+\\b|\\b\\d+[km]?\\b|\\b[a-z_]+(?:\\.[a-z_]+)+\\b");

  private final String doc = Docs.read(Docs.root().resolve(DOC));
  private final List<String> missing = new ArrayList<>();

  @Test
  void everyOptionOfEveryCommandIsDocumentedWithItsDefault() {
    List<CommandLine> tools = List.of(HyperConvert.commandLine(), HyperExport.commandLine(),
        HyperVisord.commandLine(), HyperCtl.commandLine());
    Map<String, CommandSpec> commands = new LinkedHashMap<>();
    tools.forEach(t -> collect(t, commands));
    for (CommandSpec spec : commands.values()) {
      checkCommand(spec);
    }
    Missing.failIfAny(DOC, "flags", missing);
  }

  @Test
  void everyQueueDaemonConfigKeyIsDocumentedWithItsDefault() throws Exception {
    DaemonConfig defaults = DaemonConfig.resolve(emptyFileSettings(DaemonConfig.FileSettings.class), null, null,
        null, null);
    // The only default that depends on the machine: as many conversions as it has cores.
    Map<String, Function<Object, String>> special = Map.of("max_concurrent", d -> "number of cores");
    checkKeys(DAEMON_KEYS, DaemonConfig.FileSettings.KEYS, defaults, special);
    Missing.failIfAny(DOC, "queue daemon config keys", missing);
  }

  @Test
  void everyHypervisordConfigKeyIsDocumentedWithItsDefault() throws Exception {
    DaemonSettings defaults = SettingsLoader.resolve(SettingsLoader.FileSettings.EMPTY, null, null, null, null, null,
        null, null, null);
    // Keys whose resolved value is spelled differently from the key.
    Map<String, Function<Object, String>> special = Map.of(
        "listen", d -> ((DaemonSettings) d).listenHost() + ":" + ((DaemonSettings) d).listenPort(),
        "max_body_size", d -> Long.toString(((DaemonSettings) d).maxBodyBytes()));
    checkKeys(HYPERVISORD_KEYS, SettingsLoader.FileSettings.KEYS, defaults, special);
    Missing.failIfAny(DOC, "hypervisord config keys", missing);
  }

  @Test
  void everyApiRouteParameterAndFieldIsDocumented(@TempDir Path tmp) throws Exception {
    JsonNode openApi = servedOpenApiDocument(tmp);
    List<String> section = section(REST_API);
    String text = String.join("\n", section);
    for (Iterator<Map.Entry<String, JsonNode>> paths = openApi.path("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        String route = op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey();
        if (!text.contains(route)) {
          missing.add(REST_API + ": route " + route);
        }
        for (JsonNode p : op.getValue().path("parameters")) {
          if ("query".equals(p.path("in").asText())) {
            requireField(section, route + " query parameter", p.path("name").asText(), p.path("schema"));
          }
        }
        fields(op.getValue().path("responses"), route + " response", section);
      }
    }
    fields(openApi.path("components").path("schemas"), "request", section);
    Missing.failIfAny(DOC, "API routes and fields", missing);
  }

  // ---- commands

  private static void collect(CommandLine cl, Map<String, CommandSpec> into) {
    into.putIfAbsent(cl.getCommandSpec().qualifiedName(), cl.getCommandSpec());
    cl.getSubcommands().values().forEach(sub -> collect(sub, into));
  }

  private void checkCommand(CommandSpec spec) {
    String name = spec.qualifiedName();
    List<OptionSpec> options = spec.options().stream()
        .filter(o -> !o.usageHelp() && !o.versionHelp() && !o.hidden()).toList();
    List<ArgSpec> params = spec.positionalParameters().stream().filter(p -> !p.hidden()).map(p -> (ArgSpec) p)
        .toList();
    if (options.isEmpty() && params.isEmpty()) {
      // A command without settings of its own (generate-completion): it must at least be named.
      if (!doc.contains(name)) {
        missing.add(name + ": the command is not mentioned");
      }
      return;
    }
    Optional<List<String>> section = Docs.section(doc, name);
    if (section.isEmpty()) {
      missing.add(name + ": no section '## `" + name + "`' (it has " + options.stream().map(OptionSpec::longestName)
          .toList() + ")");
      return;
    }
    for (ArgSpec p : params) {
      String label = ((CommandLine.Model.PositionalParamSpec) p).paramLabel();
      if (section.get().stream().noneMatch(l -> Docs.hasToken(l, label))) {
        missing.add(name + ": parameter " + label);
      }
    }
    for (OptionSpec o : options) {
      String flag = o.longestName();
      List<String> lines = section.get().stream().filter(l -> Docs.hasToken(l, flag)).toList();
      if (lines.isEmpty()) {
        missing.add(name + ": " + flag);
        continue;
      }
      for (String value : defaultsOf(o)) {
        if (lines.stream().noneMatch(l -> Docs.hasToken(l, value))) {
          missing.add(name + ": " + flag + ": default " + value + " is not on its line");
        }
      }
    }
  }

  /** picocli's default value, or the values named in "(default: ...)" of the description. */
  static Set<String> defaultsOf(OptionSpec o) {
    Set<String> values = new LinkedHashSet<>();
    if (o.defaultValue() != null) {
      values.add(o.defaultValue());
    }
    String description = String.join(" ", o.description()).replaceAll("\\$\\{[^}]*}", "");
    Matcher d = DESCRIBED_DEFAULT.matcher(description);
    while (d.find()) {
      Matcher v = VALUE.matcher(d.group(1));
      while (v.find()) {
        values.add(v.group());
      }
    }
    return values;
  }

  // ---- config keys

  /**
   * Each key needs a line in the section naming it as {@code `key`}; when it has a default (the value the
   * code resolves for an empty file), that line must hold it.
   */
  private void checkKeys(String title, List<String> keys, Record defaults, Map<String, Function<Object, String>> special) {
    List<String> section = section(title);
    Map<String, RecordComponent> components = new LinkedHashMap<>();
    for (RecordComponent c : defaults.getClass().getRecordComponents()) {
      components.put(c.getName(), c);
    }
    for (String key : keys) {
      String value;
      if (special.containsKey(key)) {
        value = special.get(key).apply(defaults);
      } else if (components.containsKey(camel(key))) {
        value = render(read(components.get(camel(key)), defaults));
      } else {
        missing.add(title + ": `" + key + "`: the test cannot tell its default; add it to the test's special keys");
        continue;
      }
      List<String> lines = section.stream().filter(l -> l.contains("`" + key + "`")).toList();
      if (lines.isEmpty()) {
        missing.add(title + ": `" + key + "`" + (value == null ? "" : " (default " + value + ")"));
      } else if (value != null && lines.stream().noneMatch(l -> l.contains(value))) {
        missing.add(title + ": `" + key + "`: default " + value + " is not on its line");
      }
    }
  }

  private static Object read(RecordComponent c, Record r) {
    try {
      return c.getAccessor().invoke(r);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String render(Object value) {
    if (value == null || (value instanceof List<?> l && l.isEmpty())) {
      return null;
    }
    return value.toString();
  }

  private static String camel(String snake) {
    StringBuilder b = new StringBuilder();
    boolean up = false;
    for (char c : snake.toCharArray()) {
      if (c == '_') {
        up = true;
      } else {
        b.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return b.toString();
  }

  private static <T extends Record> T emptyFileSettings(Class<T> type) throws ReflectiveOperationException {
    Class<?>[] types = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType).toArray(Class[]::new);
    return type.getDeclaredConstructor(types).newInstance(new Object[types.length]);
  }

  // ---- REST API

  /** hypervisord's /openapi.json, from a daemon started here on a free loopback port. */
  private static JsonNode servedOpenApiDocument(Path tmp) throws Exception {
    String token = "docs-test-token-0123456789abcdef";
    DaemonSettings s = SettingsLoader.resolve(SettingsLoader.FileSettings.EMPTY, "127.0.0.1:0", tmp.resolve("data"),
        1, null, null, null, tmp.resolve("hyper2kvm"), null);
    try (DaemonRuntime daemon = DaemonRuntime.start(s, token, List.of("true"))) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + daemon.port() + "/openapi.json"))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("/openapi.json answered " + r.statusCode() + ": " + r.body());
      }
      return new ObjectMapper().readTree(r.body());
    }
  }

  /** Every property of every schema under {@code node}, nested ones included. */
  private void fields(JsonNode node, String where, List<String> section) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.path("properties").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        requireField(section, where, p.getKey(), p.getValue());
      }
      node.fields().forEachRemaining(e -> fields(e.getValue(), where, section));
    } else if (node.isArray()) {
      node.forEach(n -> fields(n, where, section));
    }
  }

  private void requireField(List<String> section, String where, String name, JsonNode schema) {
    List<String> lines = section.stream().filter(l -> l.contains("`" + name + "`")).toList();
    String entry = REST_API + ": " + where + " field `" + name + "`";
    if (lines.isEmpty()) {
      if (!missing.contains(entry)) {
        missing.add(entry);
      }
      return;
    }
    JsonNode d = schema.get("default");
    if (d != null && lines.stream().noneMatch(l -> Docs.hasToken(l, d.asText()))) {
      String e = entry + ": default " + d.asText() + " is not on its line";
      if (!missing.contains(e)) {
        missing.add(e);
      }
    }
  }

  private List<String> section(String title) {
    Optional<List<String>> s = Docs.section(doc, title);
    if (s.isEmpty()) {
      missing.add("no section '## " + title + "'");
      return List.of();
    }
    return s.get();
  }
}
