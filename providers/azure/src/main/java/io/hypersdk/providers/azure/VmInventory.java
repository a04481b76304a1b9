package io.hypersdk.providers.azure;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.providers.DiskInfo;
import io.hypersdk.providers.NicInfo;
import io.hypersdk.providers.ProviderException.Kind;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.VmInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads VMs, their managed disks and NICs from ARM (Compute 2024-07-01 for VMs and sizes, 2024-03-02 for disks,
 * Network 2024-05-01 for NICs) and turns them into the manifest's facts.
 */
final class VmInventory {
  static final String COMPUTE_API = "2024-07-01";
  static final String DISK_API = "2024-03-02";
  static final String NETWORK_API = "2024-05-01";
  private final ArmClient arm;
  private final AzureConfig config;
  private final Map<String, Map<String, JsonNode>> sizesByLocation = new HashMap<>();

  VmInventory(ArmClient arm, AzureConfig config) {
    this.arm = arm;
    this.config = config;
  }

  /** A managed disk of the VM, as the export needs it; {@code lun} is -1 for the OS disk. */
  record ManagedDisk(String id, String name, String location, int lun, long bytes, String sku, String diskState,
      String hyperVGeneration) {}

  /** A VM's facts for the manifest, and its managed disks (OS disk first, then by LUN). */
  record AzureVm(VmInfo info, List<ManagedDisk> disks) {}

  /** Every VM of the resource group, or of the subscription without one. */
  List<JsonNode> all() throws ProviderException, InterruptedException {
    return arm.list(scope() + "/providers/Microsoft.Compute/virtualMachines", COMPUTE_API,
        "Microsoft.Compute/virtualMachines/read");
  }

  /** The VM named by {@code vm}: a full resource id, or a name in the resource group (or the subscription). */
  JsonNode find(String vm) throws ProviderException, InterruptedException {
    if (vm.startsWith("/subscriptions/")) {
      return vmOrNotFound(vm, vm);
    }
    if (config.resourceGroup() != null) {
      return vmOrNotFound(scope() + "/providers/Microsoft.Compute/virtualMachines/" + vm, vm);
    }
    List<JsonNode> named = all().stream().filter(v -> v.path("name").asText().equalsIgnoreCase(vm)).toList();
    if (named.isEmpty()) {
      throw new ProviderException(Kind.NOT_FOUND, "VM " + vm + " not found in subscription " + config.subscription()
          + " (is it in another subscription? set --subscription; or give its full resource id)");
    }
    if (named.size() > 1) {
      throw new ProviderException(Kind.NOT_FOUND, "VM name " + vm + " is ambiguous in subscription "
          + config.subscription() + ": " + String.join(", ", named.stream().map(v -> v.path("id").asText())
              .toList()) + "; set --resource-group or give the full resource id");
    }
    return named.get(0);
  }

  private JsonNode vmOrNotFound(String path, String vm) throws ProviderException, InterruptedException {
    try {
      return arm.get(path, COMPUTE_API, "Microsoft.Compute/virtualMachines/read");
    } catch (ProviderException e) {
      if (e.kind() == Kind.NOT_FOUND) {
        throw new ProviderException(Kind.NOT_FOUND, "VM " + vm + " not found in " + (config.resourceGroup() == null
            ? "subscription " + config.subscription() : "resource group " + config.resourceGroup())
            + " (check --resource-group and --subscription)");
      }
      throw e;
    }
  }

  /** Everything the manifest needs about {@code vm}: size, power state, firmware, disks and NIC MACs. */
  AzureVm describe(JsonNode vm) throws ProviderException, InterruptedException {
    String id = vm.path("id").asText();
    String location = vm.path("location").asText();
    if (config.location() != null && !config.location().equalsIgnoreCase(location)) {
      throw new ProviderException(Kind.REGION_MISMATCH, "VM " + vm.path("name").asText() + " is in " + location
          + ", not in --location " + config.location() + ": set --location " + location + " or leave it out");
    }
    JsonNode p = vm.path("properties");
    JsonNode view = arm.get(id + "/instanceView", COMPUTE_API, "Microsoft.Compute/virtualMachines/read");
    String power = "unknown";
    for (JsonNode s : view.path("statuses")) {
      if (s.path("code").asText().startsWith("PowerState/")) {
        power = s.path("code").asText().substring("PowerState/".length());
      }
    }
    JsonNode size = size(location, p.path("hardwareProfile").path("vmSize").asText());
    List<ManagedDisk> disks = new ArrayList<>();
    JsonNode os = p.path("storageProfile").path("osDisk");
    if (os.path("managedDisk").hasNonNull("id")) {
      disks.add(disk(os.path("managedDisk").path("id").asText(), -1));
    }
    List<JsonNode> data = new ArrayList<>();
    p.path("storageProfile").path("dataDisks").forEach(data::add);
    data.sort(Comparator.comparingInt(d -> d.path("lun").asInt()));
    for (JsonNode d : data) {
      if (d.path("managedDisk").hasNonNull("id")) {
        disks.add(disk(d.path("managedDisk").path("id").asText(), d.path("lun").asInt()));
      }
    }
    List<NicInfo> nics = new ArrayList<>();
    for (JsonNode n : p.path("networkProfile").path("networkInterfaces")) {
      String nicId = n.path("id").asText();
      JsonNode nic = arm.get(nicId, NETWORK_API, "Microsoft.Network/networkInterfaces/read");
      String mac = nic.path("properties").path("macAddress").asText(null);
      nics.add(new NicInfo(nic.path("name").asText(nicId), mac == null ? null
          : mac.replace('-', ':').toLowerCase(Locale.ROOT), subnet(nic)));
    }
    String gen = disks.isEmpty() ? null : disks.get(0).hyperVGeneration();
    String firmware = "V2".equalsIgnoreCase(gen) ? "uefi" : "V1".equalsIgnoreCase(gen) ? "bios" : "unknown";
    JsonNode sec = p.path("securityProfile");
    Boolean secureBoot = sec.path("uefiSettings").has("secureBootEnabled")
        ? sec.path("uefiSettings").path("secureBootEnabled").asBoolean() : "uefi".equals(firmware) ? false : null;
    String osType = os.path("osType").asText("");
    String osHint = osType.equalsIgnoreCase("Windows") ? "windows" : osType.equalsIgnoreCase("Linux") ? "linux"
        : "unknown";
    List<DiskInfo> infos = disks.stream().map(d -> new DiskInfo(d.name(), d.lun() < 0 ? "OS disk"
        : "data disk LUN " + d.lun(), d.bytes(), d.id())).toList();
    Integer cpu = size.hasNonNull("numberOfCores") ? size.get("numberOfCores").asInt() : null;
    Long mem = size.hasNonNull("memoryInMB") ? size.get("memoryInMB").asLong() : null;
    // The OS type and the security type (Standard, TrustedLaunch, ConfidentialVM) stand where VMware has a guest id.
    String guest = (osType + " " + sec.path("securityType").asText("")).strip();
    JsonNode image = p.path("storageProfile").path("imageReference");
    String version = image.hasNonNull("offer") ? String.join(":", image.path("publisher").asText(""),
        image.path("offer").asText(""), image.path("sku").asText("")) : null;
    VmInfo info = new VmInfo(id, vm.path("name").asText(), id, location, cpu, mem, firmware, secureBoot,
        guest.isEmpty() ? null : guest, osHint, version, power, infos, nics);
    return new AzureVm(info, disks);
  }

  private ManagedDisk disk(String id, int lun) throws ProviderException, InterruptedException {
    JsonNode d = arm.get(id, DISK_API, "Microsoft.Compute/disks/read");
    JsonNode p = d.path("properties");
    long bytes = p.hasNonNull("diskSizeBytes") ? p.get("diskSizeBytes").asLong()
        : p.path("diskSizeGB").asLong() << 30;
    return new ManagedDisk(id, d.path("name").asText(), d.path("location").asText(), lun, bytes,
        d.path("sku").path("name").asText(""), p.path("diskState").asText(""), p.path("hyperVGeneration")
        .asText(null));
  }

  private JsonNode size(String location, String vmSize) throws ProviderException, InterruptedException {
    Map<String, JsonNode> sizes = sizesByLocation.get(location);
    if (sizes == null) {
      sizes = new HashMap<>();
      for (JsonNode s : arm.list("/subscriptions/" + config.subscription() + "/providers/Microsoft.Compute/locations/"
          + location + "/vmSizes", COMPUTE_API, "Microsoft.Compute/locations/vmSizes/read")) {
        sizes.put(s.path("name").asText().toLowerCase(Locale.ROOT), s);
      }
      sizesByLocation.put(location, sizes);
    }
    return sizes.getOrDefault(vmSize.toLowerCase(Locale.ROOT), com.fasterxml.jackson.databind.node.MissingNode
        .getInstance());
  }

  private static String subnet(JsonNode nic) {
    for (JsonNode c : nic.path("properties").path("ipConfigurations")) {
      String s = c.path("properties").path("subnet").path("id").asText(null);
      if (s != null) {
        return s.substring(s.indexOf("/virtualNetworks/") + "/virtualNetworks/".length());
      }
    }
    return null;
  }

  private String scope() {
    return "/subscriptions/" + config.subscription() + (config.resourceGroup() == null ? ""
        : "/resourceGroups/" + config.resourceGroup());
  }
}
