package io.hypersdk.apps.hyperexport;

import io.hypersdk.providers.DiskInfo;
import io.hypersdk.providers.NicInfo;
import io.hypersdk.providers.VmInfo;
import io.hypersdk.providers.VmSummary;
import io.hypersdk.cli.JsonOutput;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints {@code --list} and {@code --vm-info}: a table or lines for people, one JSON object with --json. */
final class VmListing {
  private VmListing() {}

  static void printList(List<VmSummary> vms, boolean json, PrintWriter out) throws IOException {
    if (json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (VmSummary v : vms) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", v.path());
        m.put("name", v.name());
        m.put("power_state", v.powerState());
        m.put("cpu", v.cpu());
        m.put("memory_mib", v.memoryMiB());
        m.put("disks", v.disks());
        rows.add(m);
      }
      JsonOutput.print(out, Map.of("vms", rows));
      return;
    }
    int width = Math.max(4, vms.stream().mapToInt(v -> v.path().length()).max().orElse(4));
    String format = "%-" + width + "s  %-10s  %5s  %10s  %5s%n";
    out.printf(format, "PATH", "POWER", "VCPUS", "MEMORY MiB", "DISKS");
    for (VmSummary v : vms) {
      out.printf(format, v.path(), dash(v.powerState()), dash(v.cpu()), dash(v.memoryMiB()), v.disks());
    }
  }

  static void printInfo(VmInfo vm, boolean json, PrintWriter out) throws IOException {
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", vm.id());
      m.put("name", vm.name());
      m.put("path", vm.path());
      m.put("datacenter", vm.datacenter());
      m.put("power_state", vm.powerState());
      m.put("cpu", vm.cpu());
      m.put("memory_mib", vm.memoryMiB());
      m.put("mem_gb", vm.memGb());
      m.put("firmware", vm.firmware());
      m.put("secure_boot", vm.secureBoot());
      m.put("guest_id", vm.guestId());
      m.put("os_hint", vm.osHint());
      m.put("os_version", vm.osVersion());
      List<Map<String, Object>> disks = new ArrayList<>();
      for (DiskInfo d : vm.disks()) {
        Map<String, Object> dm = new LinkedHashMap<>();
        dm.put("id", d.id());
        dm.put("label", d.label());
        dm.put("capacity_bytes", d.capacityBytes());
        dm.put("file", d.file());
        disks.add(dm);
      }
      m.put("disks", disks);
      List<Map<String, Object>> nics = new ArrayList<>();
      for (NicInfo n : vm.nics()) {
        Map<String, Object> nm = new LinkedHashMap<>();
        nm.put("id", n.id());
        nm.put("mac", n.mac());
        nm.put("network", n.network());
        nics.add(nm);
      }
      m.put("nics", nics);
      JsonOutput.print(out, m);
      return;
    }
    out.println("Name: " + vm.name());
    out.println("Path: " + dash(vm.path()));
    out.println("Datacenter: " + dash(vm.datacenter()));
    out.println("Power state: " + dash(vm.powerState()));
    out.println("vCPUs: " + dash(vm.cpu()));
    out.println("Memory: " + (vm.memoryMiB() == null ? "-" : vm.memoryMiB() + " MiB"));
    out.println("Firmware: " + vm.firmware() + (Boolean.TRUE.equals(vm.secureBoot()) ? " (secure boot)" : ""));
    out.println("Guest: " + dash(vm.osVersion()) + " (" + dash(vm.guestId()) + ", " + vm.osHint() + ")");
    for (DiskInfo d : vm.disks()) {
      out.println("Disk: " + d.id() + " " + dash(d.label()) + ", " + d.capacityBytes() + " bytes, " + dash(d.file()));
    }
    for (NicInfo n : vm.nics()) {
      out.println("NIC: " + n.id() + " " + dash(n.mac()) + " on " + dash(n.network()));
    }
  }

  private static String dash(Object o) {
    return o == null ? "-" : o.toString();
  }
}
