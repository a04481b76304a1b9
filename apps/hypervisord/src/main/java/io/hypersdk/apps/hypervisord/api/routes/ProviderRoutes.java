package io.hypersdk.apps.hypervisord.api.routes;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.apps.hypervisord.api.ApiException;
import io.hypersdk.apps.hypervisord.api.ApiRoute;
import io.hypersdk.apps.hypervisord.api.RequestBodies;
import io.hypersdk.jobs.connections.Connections;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderFactory;
import io.hypersdk.providers.SettingSpec;
import io.hypersdk.providers.VmSummary;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The providers of this build with their settings schema, and a provider's VMs for a connection or settings. */
public final class ProviderRoutes {
  private final Connections connections;
  private final RequestBodies bodies;

  public ProviderRoutes(Connections connections, RequestBodies bodies) {
    this.connections = connections;
    this.bodies = bodies;
  }

  public List<ApiRoute> routes() {
    return List.of(
        ApiRoute.get("/providers", "The providers of this build, each with its settings schema", this::providers)
            .returningListOf(ProviderInfo.class),
        ApiRoute.post("/providers/{name}/vms", "A provider's VMs, for a named connection and/or inline settings",
            "VmListRequest", this::vms).returningListOf(VmRow.class));
  }

  /** One provider and what it can be given. */
  record ProviderInfo(String name, String description, List<SettingInfo> settings) {}

  /** One setting of a provider's schema; {@code flag} is hyperexport's, {@code env} its fallbacks in order. */
  record SettingInfo(String name, String type, @JsonProperty("default") String defaultValue, boolean required,
      boolean secret, String description, List<String> choices, List<String> env, String flag) {
    static SettingInfo of(SettingSpec s) {
      return new SettingInfo(s.name(), s.type().id(), s.defaultValue(), s.required(), s.secret(), s.description(),
          s.choices(), s.env(), s.flag());
    }
  }

  private void providers(Context ctx) throws ProviderException {
    List<ProviderInfo> out = new ArrayList<>();
    for (String name : connections.providers().names()) {
      ProviderFactory f = connections.providers().get(name);
      out.add(new ProviderInfo(name, f.description(), f.settings().stream().map(SettingInfo::of).toList()));
    }
    ctx.json(out);
  }

  /** One VM of a listing. */
  record VmRow(String path, String name, String powerState, Integer cpus, Long memoryMib, int disks) {}

  private void vms(Context ctx) throws ProviderException {
    String provider = ctx.pathParam("name");
    if (!connections.providers().names().contains(provider)) {
      throw ApiException.notFound("no such provider: " + provider + " (available: "
          + String.join(", ", connections.providers().names()) + ")");
    }
    JsonNode body = bodies.tree(ctx);
    if (!body.isObject()) {
      throw ApiException.badRequest("body", "must be an object with connection and/or settings");
    }
    JsonNode connection = body.get("connection");
    if (connection != null && !connection.isNull() && !connection.isTextual()) {
      throw ApiException.badRequest("connection", "must be a string");
    }
    List<VmSummary> vms = connections.listVms(provider, connection == null || connection.isNull() ? null
        : connection.asText(), settings(body.get("settings")));
    ctx.json(vms.stream().map(v -> new VmRow(v.path(), v.name(), v.powerState(), v.cpu(), v.memoryMiB(), v.disks()))
        .toList());
  }

  private static Map<String, String> settings(JsonNode s) {
    Map<String, String> out = new LinkedHashMap<>();
    if (s == null || s.isNull()) {
      return out;
    }
    if (!s.isObject()) {
      throw ApiException.badRequest("settings", "must be an object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isValueNode()) {
        throw ApiException.badRequest("settings." + e.getKey(), "must be a string, a number or true/false");
      }
      if (!e.getValue().isNull()) {
        out.put(e.getKey(), e.getValue().asText());
      }
    }
    return out;
  }
}
