package io.hypersdk.convert.fix;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.manifest.Nic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps the interface names the guest's network configuration uses (e.g. {@code ens192}, a name that comes from
 * VMware's PCI slot): a systemd {@code .link} file per NIC matches its MAC, which the domain keeps, and gives it
 * the old name, so ifupdown, netplan, NetworkManager or ifcfg files work unchanged on the virtio NIC. The stale
 * udev persistent-net rules are removed, since they would race the .link file.
 */
public final class KeepNicNames implements GuestFix {
  static final String PERSISTENT_NET_RULES = "/etc/udev/rules.d/70-persistent-net.rules";
  private static final Pattern RULE = Pattern.compile("ATTR\\{address\\}==\"([0-9a-fA-F:]{17})\".*NAME=\"([^\"]+)\"");
  private static final Pattern IFUPDOWN = Pattern.compile("(?m)^\\s*(?:iface|auto|allow-hotplug)\\s+([^\\s:]+)");
  private static final Pattern IFCFG = Pattern.compile("(?m)^\\s*DEVICE=[\"']?([^\"'\\s]+)");
  private static final Pattern NM = Pattern.compile("(?m)^\\s*interface-name=(\\S+)");
  private static final Pattern NETPLAN = Pattern.compile("(?m)^\\s{4,6}([a-z][a-z0-9]+):\\s*$");

  private final List<Nic> nics;

  public KeepNicNames(List<Nic> nics) {
    this.nics = nics == null ? List.of() : nics;
  }

  @Override
  public void apply(Guest guest) throws ConversionException, InterruptedException {
    Guestfish fish = guest.fish();
    Map<String, String> byMac = new LinkedHashMap<>();
    String rules = guest.readIfExists(PERSISTENT_NET_RULES);
    if (rules != null) {
      Matcher m = RULE.matcher(rules);
      while (m.find()) {
        byMac.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
      }
    }
    List<String> configured = new ArrayList<>(configuredNames(guest));
    configured.removeAll(byMac.values());
    List<Nic> withMac = nics.stream().filter(n -> n.mac() != null && !n.mac().isBlank()).toList();
    if (withMac.size() < nics.size()) {
      guest.warn(nics.size() - withMac.size() + " NIC(s) have no MAC address in the manifest; their interface "
          + "names cannot be kept and may change on KVM");
    }
    int next = 0;
    for (Nic nic : withMac) {
      String mac = nic.mac().toLowerCase(Locale.ROOT);
      String name = byMac.get(mac);
      if (name == null && next < configured.size()) {
        // Without udev rules, NICs and configured names pair up in order: VMware numbers its slots the same way.
        name = configured.get(next++);
      }
      if (name == null) {
        continue;
      }
      String path = "/etc/systemd/network/10-hypersdk-" + name + ".link";
      String content = "# Written by HyperSDK's fix stage: keeps the name this NIC had on VMware.\n"
          + "[Match]\nMACAddress=" + mac + "\n\n[Link]\nName=" + name + "\n";
      if (!fish.isDir("/etc/systemd/network")) {
        fish.require("mkdir-p /etc/systemd/network");
      }
      guest.replace(path, guest.readIfExists(path), content, "NIC " + mac + " keeps the name " + name);
    }
    if (rules != null) {
      guest.keepOriginal(PERSISTENT_NET_RULES);
      fish.require("rm " + Guestfish.quote(PERSISTENT_NET_RULES));
      guest.record(PERSISTENT_NET_RULES, "removed (stale names for the VMware NICs; replaced by .link files)");
    }
  }

  /** Interface names the guest's network configuration refers to, loopback excluded, in order of appearance. */
  private static Set<String> configuredNames(Guest guest) throws ConversionException, InterruptedException {
    Set<String> names = new LinkedHashSet<>();
    collect(guest.readIfExists("/etc/network/interfaces"), IFUPDOWN, names);
    for (String dir : List.of("/etc/network/interfaces.d", "/etc/netplan", "/etc/sysconfig/network-scripts",
        "/etc/NetworkManager/system-connections")) {
      if (!guest.fish().isDir(dir)) {
        continue;
      }
      for (String f : guest.fish().require("ls " + Guestfish.quote(dir))) {
        String path = dir + "/" + f;
        if (f.isBlank() || !guest.fish().isFile(path) || f.endsWith(Guest.BACKUP_SUFFIX)) {
          continue;
        }
        Pattern p = dir.endsWith("netplan") ? NETPLAN : dir.endsWith("network-scripts") ? IFCFG
            : dir.endsWith("system-connections") ? NM : IFUPDOWN;
        if (!dir.endsWith("network-scripts") || f.startsWith("ifcfg-")) {
          collect(guest.fish().read(path), p, names);
        }
      }
    }
    names.removeIf(n -> n.equals("lo") || n.equals("ethernets") || n.startsWith("br") || n.startsWith("bond"));
    return names;
  }

  private static void collect(String text, Pattern p, Set<String> into) {
    if (text == null) {
      return;
    }
    Matcher m = p.matcher(text);
    while (m.find()) {
      into.add(m.group(1));
    }
  }
}
