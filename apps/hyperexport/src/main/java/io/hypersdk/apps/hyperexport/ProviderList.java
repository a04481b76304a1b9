package io.hypersdk.apps.hyperexport;

import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderFactory;
import io.hypersdk.providers.Providers;
import io.hypersdk.providers.SettingSpec;
import io.hypersdk.cli.ExitCode;
import io.hypersdk.cli.JsonOutput;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints {@code --list-providers}: name and description per line, or with --json the shape of GET /providers. */
final class ProviderList {
  private ProviderList() {}

  static int print(Providers providers, boolean json, PrintWriter out) {
    try {
      if (!json) {
        for (String name : providers.names()) {
          out.printf("%-10s %s%n", name, providers.get(name).description());
        }
      } else {
        List<Map<String, Object>> all = new ArrayList<>();
        for (String name : providers.names()) {
          ProviderFactory f = providers.get(name);
          Map<String, Object> p = new LinkedHashMap<>();
          p.put("name", name);
          p.put("description", f.description());
          p.put("settings", f.settings().stream().map(ProviderList::setting).toList());
          all.add(p);
        }
        JsonOutput.print(out, all);
      }
      out.flush();
      return ExitCode.OK.code();
    } catch (ProviderException e) {
      out.flush();
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> setting(SettingSpec s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put("type", s.type().id());
    m.put("default", s.defaultValue());
    m.put("required", s.required());
    m.put("secret", s.secret());
    m.put("description", s.description());
    m.put("choices", s.choices());
    m.put("env", s.env());
    m.put("flag", s.flag());
    return m;
  }
}
