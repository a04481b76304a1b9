package io.hypersdk.apps.hyperctl.tui;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.apps.hyperctl.client.HypervisordClient;
import io.hypersdk.apps.hyperctl.client.HypervisordException;
import io.hypersdk.providers.VmSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A named connection of hypervisord's config as {@code GET /connections} lists it: its provider and its settings
 * without the secrets, which stay in files on hypervisord's machine. A job naming it carries no settings.
 */
record HypervisordConnection(String name, String provider, Map<String, String> settings) {
  HypervisordConnection {
    settings = Map.copyOf(settings);
  }

  /** How the Connect step offers it: "vcenter-prod (vsphere)". */
  String label() {
    return name + " (" + provider + ")";
  }

  /** hypervisord's connections, in its order. */
  static List<HypervisordConnection> list(HypervisordClient client) throws HypervisordException,
      InterruptedException {
    List<HypervisordConnection> out = new ArrayList<>();
    for (JsonNode c : client.connections()) {
      Map<String, String> settings = new LinkedHashMap<>();
      c.path("settings").fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
      out.add(new HypervisordConnection(c.path("name").asText(), c.path("provider").asText(), settings));
    }
    return out;
  }

  /** The VMs hypervisord lists through this connection. */
  List<VmSummary> vms(HypervisordClient client) throws HypervisordException, InterruptedException {
    List<VmSummary> out = new ArrayList<>();
    for (JsonNode v : client.vms(provider, name)) {
      out.add(new VmSummary(v.path("path").asText(), v.path("name").asText(), v.path("power_state").asText(null),
          v.hasNonNull("cpus") ? v.get("cpus").asInt() : null,
          v.hasNonNull("memory_mib") ? v.get("memory_mib").asLong() : null, v.path("disks").asInt()));
    }
    return out;
  }
}
