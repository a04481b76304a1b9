package io.hypersdk.providers.vsphere;

import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.vsphere.vim25.MoRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The inventory tree as names and parents (folders, datacenters, vApps, VMs), with each VM's inventory path
 * ({@code /DC0/vm/folder/name}, as govc prints it) and the lookup of {@code --vm} by path or name.
 */
final class Inventory {
  /** One inventory object: its name and parent (null for the root folder). */
  record Node(MoRef ref, String name, MoRef parent) {}

  /** A VM with its path and the name of its datacenter. */
  record VmPath(MoRef ref, String name, String path, String datacenter) {}

  private final Map<MoRef, Node> nodes = new HashMap<>();
  private final List<VmPath> vms = new ArrayList<>();

  Inventory(List<Node> all) {
    all.forEach(n -> nodes.put(n.ref(), n));
    for (Node n : all) {
      if (n.ref().type().equals("VirtualMachine")) {
        vms.add(new VmPath(n.ref(), n.name(), path(n), datacenterOf(n)));
      }
    }
    vms.sort(Comparator.comparing(VmPath::path));
  }

  List<VmPath> vms() {
    return List.copyOf(vms);
  }

  /** Names of the datacenters, sorted. */
  List<String> datacenters() {
    return nodes.values().stream().filter(n -> n.ref().type().equals("Datacenter")).map(Node::name).sorted().toList();
  }

  /**
   * The VM that {@code spec} names: an absolute inventory path ({@code /DC0/vm/web01}), a path inside the
   * only datacenter's VM folder ({@code folder/web01}), or a plain name, which must be unique.
   */
  VmPath find(String spec) throws ProviderException {
    if (spec == null || spec.isBlank()) {
      throw new ProviderException(ProviderException.Kind.INVALID_REQUEST,
          "--vm is required: an inventory path such as /DC0/vm/web01, or a VM name");
    }
    String s = spec.strip();
    if (s.startsWith("/")) {
      String wanted = trimSlashes(s);
      return vms.stream().filter(v -> v.path().equals(wanted)).findFirst().orElseThrow(() -> new ProviderException(
          ProviderException.Kind.NOT_FOUND, "VM " + wanted + " not found; list the VMs with --list"));
    }
    if (s.contains("/")) {
      List<String> dcs = datacenters();
      if (dcs.size() != 1) {
        throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "VM path " + s + " is relative but there "
            + "are " + dcs.size() + " datacenters (" + String.join(", ", dcs) + "); give the full path /DC/vm/...");
      }
      return find("/" + dcs.get(0) + "/vm/" + trimSlashes(s));
    }
    List<VmPath> named = vms.stream().filter(v -> v.name().equals(s)).toList();
    if (named.isEmpty()) {
      throw new ProviderException(ProviderException.Kind.NOT_FOUND, "no VM named " + s + " in "
          + (datacenters().isEmpty() ? "the inventory" : "datacenter(s) " + String.join(", ", datacenters()))
          + "; list the VMs with --list");
    }
    if (named.size() > 1) {
      throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "VM name " + s + " is ambiguous, "
          + named.size() + " VMs have it: " + String.join(", ", named.stream().map(VmPath::path).toList())
          + "; give the inventory path with --vm");
    }
    return named.get(0);
  }

  private static String trimSlashes(String s) {
    String t = s.replaceAll("/+", "/");
    if (t.endsWith("/") && t.length() > 1) {
      t = t.substring(0, t.length() - 1);
    }
    return t.startsWith("/") ? t : "/" + t;
  }

  /** {@code /a/b/name}: names from below the root folder down (vSphere already escapes '/' in names as %2f). */
  private String path(Node n) {
    List<String> parts = new ArrayList<>();
    for (Node at = n; at != null && at.parent() != null; at = nodes.get(at.parent())) {
      parts.add(0, at.name());
    }
    return "/" + String.join("/", parts);
  }

  private String datacenterOf(Node n) {
    for (Node at = n; at != null; at = at.parent() == null ? null : nodes.get(at.parent())) {
      if (at.ref().type().equals("Datacenter")) {
        return at.name();
      }
    }
    return null;
  }
}
