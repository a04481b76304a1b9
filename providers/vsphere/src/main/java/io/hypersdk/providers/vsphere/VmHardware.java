package io.hypersdk.providers.vsphere;

import io.hypersdk.providers.DiskInfo;
import io.hypersdk.providers.GuestOs;
import io.hypersdk.providers.NicInfo;
import io.hypersdk.providers.VmInfo;
import io.hypersdk.providers.vsphere.vim25.MoRef;
import io.hypersdk.providers.vsphere.vim25.ObjectContent;
import io.hypersdk.providers.vsphere.vim25.Xml;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.w3c.dom.Element;

/** Turns a VM's vim25 properties ({@link #PROPERTIES}) into the provider-neutral {@link VmInfo}. */
final class VmHardware {
  static final List<String> PROPERTIES = List.of("name", "config.instanceUuid", "config.hardware.numCPU",
      "config.hardware.memoryMB", "config.firmware", "config.bootOptions", "config.guestId", "config.guestFullName",
      "guest.guestFullName", "runtime.powerState", "config.hardware.device", "network");

  /** A disk with where it sits, so disks can be put in boot order and matched to NFC device URLs. */
  record Disk(DiskInfo info, int key, String controllerType, int busNumber, int unitNumber, int deviceOrder) {}

  private VmHardware() {}

  /**
   * {@code networkNames} maps the VM's networks to names: a Network by its ref, a distributed port group also
   * by its key (NICs on a distributed switch name only the key).
   */
  static VmInfo describe(ObjectContent vm, Inventory.VmPath where, Map<String, String> networkNames) {
    List<Disk> disks = disks(vm);
    List<NicInfo> nics = new ArrayList<>();
    List<Element> devices = devices(vm);
    for (Element d : devices) {
      Optional<String> mac = Xml.text(d, "macAddress");
      if (mac.isEmpty() && !Xml.type(d).matches("Virtual(E1000e?|Vmxnet\\d?|PCNet32|SriovEthernetCard)")) {
        continue;
      }
      nics.add(new NicInfo("nic" + nics.size(), mac.map(m -> m.toLowerCase(Locale.ROOT)).orElse(null),
          network(d, networkNames)));
    }
    Integer cpu = vm.text("config.hardware.numCPU").map(Integer::valueOf).orElse(null);
    Long mem = vm.text("config.hardware.memoryMB").map(Long::valueOf).orElse(null);
    String guestId = vm.text("config.guestId").orElse(null);
    Boolean secure = vm.val("config.bootOptions").flatMap(b -> Xml.text(b, "efiSecureBootEnabled"))
        .map(Boolean::valueOf).orElse(null);
    String osName = vm.text("guest.guestFullName").filter(s -> !s.isEmpty())
        .or(() -> vm.text("config.guestFullName")).orElse(null);
    String id = vm.text("config.instanceUuid").filter(s -> !s.isEmpty()).orElse(vm.obj().value());
    return new VmInfo(id, vm.text("name").orElse(where.name()), where.path(), where.datacenter(), cpu, mem,
        firmware(vm.text("config.firmware").orElse(null)), secure, guestId, GuestOs.family(guestId), osName,
        vm.text("runtime.powerState").orElse(null), disks.stream().map(Disk::info).toList(), nics);
  }

  /** vSphere says "efi" where the manifest says "uefi" (upstream copied "efi" and every UEFI VM failed). */
  static String firmware(String vsphere) {
    if (vsphere == null || vsphere.isBlank()) {
      return "bios";
    }
    return switch (vsphere.toLowerCase(Locale.ROOT)) {
      case "efi" -> "uefi";
      case "bios" -> "bios";
      default -> "unknown";
    };
  }

  /**
   * The VM's disks, boot disk first: the disk named in the boot order if there is one, then by controller
   * kind (SCSI, SATA, NVMe, IDE), bus and unit number.
   */
  static List<Disk> disks(ObjectContent vm) {
    List<Element> devices = devices(vm);
    Map<Integer, Element> byKey = new HashMap<>();
    for (Element d : devices) {
      Xml.text(d, "key").ifPresent(k -> byKey.put(Integer.parseInt(k), d));
    }
    Integer bootDisk = vm.val("config.bootOptions").flatMap(b -> Xml.children(b, "bootOrder").stream()
        .filter(o -> Xml.type(o).equals("VirtualMachineBootOptionsBootableDiskDevice")).findFirst())
        .flatMap(o -> Xml.text(o, "deviceKey")).map(Integer::valueOf).orElse(null);
    List<Disk> raw = new ArrayList<>();
    for (Element d : devices) {
      if (!Xml.type(d).equals("VirtualDisk")) {
        continue;
      }
      int key = Xml.text(d, "key").map(Integer::parseInt).orElse(-1);
      Element controller = Xml.text(d, "controllerKey").map(Integer::valueOf).map(byKey::get).orElse(null);
      String ctype = controller == null ? "" : Xml.type(controller);
      int bus = controller == null ? 0 : Xml.text(controller, "busNumber").map(Integer::parseInt).orElse(0);
      int unit = Xml.text(d, "unitNumber").map(Integer::parseInt).orElse(0);
      long bytes = Xml.text(d, "capacityInBytes").map(Long::parseLong)
          .orElse(Xml.text(d, "capacityInKB").map(k -> Long.parseLong(k) * 1024).orElse(0L));
      String label = Xml.child(d, "deviceInfo").flatMap(i -> Xml.text(i, "label")).orElse(null);
      String file = Xml.child(d, "backing").flatMap(b -> Xml.text(b, "fileName")).orElse(null);
      raw.add(new Disk(new DiskInfo("disk-?", label, bytes, file), key, ctype, bus, unit, raw.size()));
    }
    raw.sort(Comparator.<Disk>comparingInt(d -> bootDisk != null && d.key() == bootDisk ? 0 : 1)
        .thenComparingInt(d -> controllerRank(d.controllerType())).thenComparingInt(Disk::busNumber)
        .thenComparingInt(Disk::unitNumber));
    List<Disk> out = new ArrayList<>();
    for (Disk d : raw) {
      DiskInfo i = d.info();
      out.add(new Disk(new DiskInfo("disk-" + out.size(), i.label(), i.capacityBytes(), i.file()), d.key(),
          d.controllerType(), d.busNumber(), d.unitNumber(), d.deviceOrder()));
    }
    return out;
  }

  private static int controllerRank(String type) {
    if (type.contains("SCSI") || type.contains("LsiLogic") || type.contains("BusLogic")) {
      return 0;
    }
    if (type.contains("AHCI") || type.contains("SATA")) {
      return 1;
    }
    if (type.contains("NVME")) {
      return 2;
    }
    return type.contains("IDE") ? 3 : 4;
  }

  private static List<Element> devices(ObjectContent vm) {
    return vm.val("config.hardware.device").map(Xml::children).orElse(List.of());
  }

  /** The network a NIC is on, by name; a distributed port group by its key when no name is known. */
  private static String network(Element nic, Map<String, String> names) {
    Element backing = Xml.child(nic, "backing").orElse(null);
    if (backing == null) {
      return null;
    }
    Optional<String> deviceName = Xml.text(backing, "deviceName");
    if (deviceName.isPresent()) {
      return deviceName.get();
    }
    Optional<String> network = Xml.child(backing, "network").map(Xml::moRef).map(MoRef::toString).map(names::get);
    if (network.isPresent()) {
      return network.get();
    }
    Optional<String> pgKey = Xml.child(backing, "port").flatMap(p -> Xml.text(p, "portgroupKey"));
    return pgKey.map(k -> names.getOrDefault("dvpg:" + k, k)).orElse(null);
  }
}
