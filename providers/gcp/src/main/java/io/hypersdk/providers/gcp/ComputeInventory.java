package io.hypersdk.providers.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.providers.DiskInfo;
import io.hypersdk.providers.NicInfo;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import io.hypersdk.providers.VmInfo;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Reads instances from Compute Engine and describes them as the manifest needs: vCPUs and memory from the machine
 * type, firmware from the boot disk's guest OS features, secure boot from the shielded VM config, disks in boot
 * order with their sizes, NICs with their type (Compute exposes no MAC address).
 */
final class ComputeInventory {
  private final GcpApi api;
  private final GcpConfig config;
  private final Map<String, JsonNode> machineTypes = new HashMap<>();

  ComputeInventory(GcpApi api, GcpConfig config) {
    this.api = api;
    this.config = config;
  }

  /** {@code path} below the project, e.g. {@code zones/Z/instances}, as a Compute API URL. */
  String url(String path) {
    return config.compute() + "/compute/v1/projects/" + config.project() + "/" + path;
  }

  /** A resource's selfLink (or a relative name) rebased on the configured endpoint. */
  String at(String link) {
    int i = link.indexOf("/compute/v1/");
    String path = i >= 0 ? link.substring(i + "/compute/v1/".length()) : link;
    return config.compute() + "/compute/v1/" + path;
  }

  /** Every instance of the zone, or of every zone of the project (aggregatedList) when no zone is set. */
  List<JsonNode> all() throws ProviderException, InterruptedException {
    List<JsonNode> out = new ArrayList<>();
    String token = null;
    do {
      String page = token == null ? "" : "?pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
      JsonNode r;
      if (config.zone() != null) {
        r = api.get(url("zones/" + config.zone() + "/instances" + page), "compute.instances.list");
        r.path("items").forEach(out::add);
      } else {
        r = api.get(url("aggregated/instances" + page), "compute.instances.list");
        r.path("items").forEach(scope -> scope.path("instances").forEach(out::add));
      }
      token = r.path("nextPageToken").asText(null);
    } while (token != null && !token.isEmpty());
    return out;
  }

  /** The instance named {@code vm} (its name or numeric id), in the set zone or found in any zone. */
  JsonNode find(String vm) throws ProviderException, InterruptedException {
    if (vm == null || vm.isBlank()) {
      throw new ProviderException(Kind.INVALID_REQUEST, "--vm is required: an instance name or id");
    }
    if (config.zone() != null) {
      try {
        return api.get(url("zones/" + config.zone() + "/instances/" + vm), "compute.instances.get");
      } catch (ProviderException e) {
        if (e.kind() != Kind.NOT_FOUND) {
          throw e;
        }
      }
      // Not in the zone given: say where it is, if it is anywhere in the project.
      List<JsonNode> elsewhere = matching(vm, aggregated());
      if (!elsewhere.isEmpty()) {
        throw new ProviderException(Kind.REGION_MISMATCH, "instance " + vm + " is in zone "
            + elsewhere.stream().map(i -> last(i.path("zone").asText())).collect(Collectors.joining(", "))
            + ", not in --zone " + config.zone() + ": set that zone or leave --zone out to search every zone");
      }
      throw new ProviderException(Kind.NOT_FOUND, "instance " + vm + " not found in project " + config.project()
          + " (in no zone; gcloud compute instances list shows them)");
    }
    List<JsonNode> found = matching(vm, all());
    if (found.isEmpty()) {
      throw new ProviderException(Kind.NOT_FOUND, "instance " + vm + " not found in any zone of project "
          + config.project() + " (is it in another project? set --project or GOOGLE_CLOUD_PROJECT)");
    }
    if (found.size() > 1) {
      throw new ProviderException(Kind.NOT_FOUND, "instance name " + vm + " is ambiguous in project "
          + config.project() + ": it is in zones " + found.stream().map(i -> last(i.path("zone").asText()))
          .collect(Collectors.joining(", ")) + "; set --zone");
    }
    return found.get(0);
  }

  private List<JsonNode> aggregated() throws ProviderException, InterruptedException {
    List<JsonNode> out = new ArrayList<>();
    api.get(url("aggregated/instances"), "compute.instances.list").path("items")
        .forEach(scope -> scope.path("instances").forEach(out::add));
    return out;
  }

  private static List<JsonNode> matching(String vm, List<JsonNode> instances) {
    return instances.stream().filter(i -> vm.equals(i.path("name").asText()) || vm.equals(i.path("id").asText()))
        .toList();
  }

  /** The facts of {@code instance}: its machine type and its persistent disks are read too. */
  VmInfo describe(JsonNode instance) throws ProviderException, InterruptedException {
    String zone = last(instance.path("zone").asText());
    JsonNode type = machineType(instance.path("machineType").asText());
    List<JsonNode> attached = bootOrder(instance);
    List<DiskInfo> disks = new ArrayList<>();
    JsonNode bootDisk = null;
    for (JsonNode a : attached) {
      JsonNode d = api.get(at(a.path("source").asText()), "compute.disks.get");
      if (a.path("boot").asBoolean()) {
        bootDisk = d;
      }
      disks.add(new DiskInfo(d.path("name").asText(), a.path("deviceName").asText(),
          d.path("sizeGb").asLong() << 30, d.path("selfLink").asText(a.path("source").asText())));
    }
    List<NicInfo> nics = new ArrayList<>();
    for (JsonNode n : instance.path("networkInterfaces")) {
      String nicType = n.path("nicType").asText("");
      nics.add(new NicInfo(n.path("name").asText() + (nicType.isEmpty() ? "" : " (" + nicType + ")"), null,
          last(n.path("network").asText())));
    }
    boolean uefi = bootDisk != null && features(bootDisk).contains("UEFI_COMPATIBLE");
    Boolean secureBoot = instance.path("shieldedInstanceConfig").has("enableSecureBoot")
        ? instance.path("shieldedInstanceConfig").path("enableSecureBoot").asBoolean() : null;
    List<String> licenses = bootDisk == null ? List.of() : StreamSupport.stream(bootDisk.path("licenses").spliterator(),
        false).map(l -> last(l.asText())).toList();
    String os = osFamily(licenses, bootDisk == null ? List.of() : features(bootDisk));
    return new VmInfo(instance.path("id").asText(), instance.path("name").asText(), instance.path("name").asText(),
        zone, type.has("guestCpus") ? type.path("guestCpus").asInt() : null,
        type.has("memoryMb") ? type.path("memoryMb").asLong() : null, uefi ? "uefi" : "bios", secureBoot,
        licenses.isEmpty() ? null : licenses.get(licenses.size() - 1), os,
        licenses.isEmpty() ? null : licenses.get(licenses.size() - 1), instance.path("status").asText(null), disks,
        nics);
  }

  private JsonNode machineType(String link) throws ProviderException, InterruptedException {
    JsonNode t = machineTypes.get(link);
    if (t == null) {
      t = api.get(at(link), "compute.machineTypes.get");
      machineTypes.put(link, t);
    }
    return t;
  }

  /** Persistent disks with the boot disk first, then by attachment index; local SSDs cannot be snapshotted. */
  static List<JsonNode> bootOrder(JsonNode instance) {
    List<JsonNode> disks = new ArrayList<>();
    instance.path("disks").forEach(d -> {
      if (!"SCRATCH".equals(d.path("type").asText())) {
        disks.add(d);
      }
    });
    disks.sort(Comparator.comparing((JsonNode d) -> !d.path("boot").asBoolean())
        .thenComparingInt(d -> d.path("index").asInt()));
    return disks;
  }

  /** How many local SSDs the instance has: their contents cannot be exported. */
  static long scratchDisks(JsonNode instance) {
    return StreamSupport.stream(instance.path("disks").spliterator(), false)
        .filter(d -> "SCRATCH".equals(d.path("type").asText())).count();
  }

  private static List<String> features(JsonNode disk) {
    return StreamSupport.stream(disk.path("guestOsFeatures").spliterator(), false).map(f -> f.path("type").asText())
        .toList();
  }

  /** windows, linux or unknown, from the boot disk's licenses (e.g. windows-server-2022-dc, debian-12-bookworm). */
  static String osFamily(List<String> licenses, List<String> features) {
    if (features.contains("WINDOWS") || licenses.stream().anyMatch(l -> l.startsWith("windows"))) {
      return "windows";
    }
    List<String> linux = List.of("debian", "ubuntu", "rhel", "centos", "rocky", "sles", "opensuse", "fedora", "cos",
        "almalinux", "oracle");
    return licenses.stream().anyMatch(l -> linux.stream().anyMatch(l.toLowerCase(Locale.ROOT)::startsWith))
        ? "linux" : "unknown";
  }

  /** The last segment of a resource URL: the name. */
  static String last(String link) {
    return link.substring(link.lastIndexOf('/') + 1);
  }
}
