package io.hypersdk.providers.hyperv;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.providers.DiskInfo;
import io.hypersdk.providers.NicInfo;
import io.hypersdk.providers.VmInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** A VM as vm.ps1 describes it: Get-VM, Get-VMFirmware, Get-VMHardDiskDrive with each disk's Get-VHD chain. */
record HostVm(String name, String id, String state, int cpu, long memoryBytes, int generation, String secureBoot,
    String computerName, List<Disk> disks, List<NicInfo> nics) {

  /** One VHD or VHDX file of a disk's chain. */
  record Vhd(String path, String format, String type, long size, long fileSize, String parentPath) {}

  /** A virtual hard disk drive and the files behind it, the attached (newest) one first. */
  record Disk(String controllerType, int controllerNumber, int controllerLocation, String path, List<Vhd> chain) {
    /** "SCSI 0:1", as Hyper-V Manager writes a drive's position. */
    String position() {
      return controllerType + " " + controllerNumber + ":" + controllerLocation;
    }

    /** Whether the attached file is a checkpoint's differencing disk, which qemu cannot read. */
    boolean differencing() {
      return chain.size() > 1 || (!chain.isEmpty() && "Differencing".equals(chain.get(0).type()));
    }

    /** The file name of the attached file, without its folder. */
    String fileName() {
      return path.substring(Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/')) + 1);
    }
  }

  /** Reads vm.ps1's answer; disks come in boot order: the firmware's, then IDE before SCSI by position. */
  static HostVm parse(JsonNode n) {
    List<String> boot = new ArrayList<>();
    n.path("BootOrder").forEach(b -> boot.add(b.asText().toLowerCase(Locale.ROOT)));
    List<Disk> disks = new ArrayList<>();
    for (JsonNode d : n.path("Disks")) {
      List<Vhd> chain = new ArrayList<>();
      for (JsonNode v : d.path("Chain")) {
        chain.add(new Vhd(v.path("Path").asText(), v.path("VhdFormat").asText("VHDX"), v.path("VhdType").asText(),
            v.path("Size").asLong(), v.path("FileSize").asLong(), text(v.path("ParentPath"))));
      }
      disks.add(new Disk(d.path("ControllerType").asText(), d.path("ControllerNumber").asInt(),
          d.path("ControllerLocation").asInt(), text(d.path("Path")), chain));
    }
    disks.sort(Comparator.<Disk>comparingInt(d -> {
      int i = d.path() == null ? -1 : boot.indexOf(d.path().toLowerCase(Locale.ROOT));
      return i < 0 ? Integer.MAX_VALUE : i;
    }).thenComparing(d -> !"IDE".equalsIgnoreCase(d.controllerType())).thenComparingInt(Disk::controllerNumber)
        .thenComparingInt(Disk::controllerLocation));
    List<NicInfo> nics = new ArrayList<>();
    for (JsonNode a : n.path("NetworkAdapters")) {
      nics.add(new NicInfo(a.path("Name").asText(), mac(a.path("MacAddress").asText()), text(a.path("SwitchName"))));
    }
    return new HostVm(n.path("Name").asText(), n.path("Id").asText(), n.path("State").asText(),
        n.path("ProcessorCount").asInt(), n.path("MemoryStartup").asLong(), n.path("Generation").asInt(1),
        text(n.path("SecureBoot")), text(n.path("ComputerName")), disks, nics);
  }

  /** Hyper-V writes MACs as 12 hex digits (00155D010203); the manifest as aa:bb:cc:dd:ee:ff. */
  static String mac(String raw) {
    String hex = raw == null ? "" : raw.replaceAll("[^0-9A-Fa-f]", "").toLowerCase(Locale.ROOT);
    if (hex.length() != 12) {
      return null;
    }
    return String.join(":", hex.substring(0, 2), hex.substring(2, 4), hex.substring(4, 6), hex.substring(6, 8),
        hex.substring(8, 10), hex.substring(10, 12));
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode() || n.asText().isEmpty() ? null : n.asText();
  }

  /** The manifest's view: Generation 2 boots UEFI (secure boot as the firmware says), Generation 1 BIOS. */
  VmInfo info() {
    List<DiskInfo> out = new ArrayList<>();
    for (int i = 0; i < disks.size(); i++) {
      Disk d = disks.get(i);
      long size = d.chain().isEmpty() ? 0 : d.chain().get(0).size();
      out.add(new DiskInfo("disk" + i, d.position(), size, d.path()));
    }
    boolean uefi = generation == 2;
    return new VmInfo(id, name, name, computerName, cpu, memoryBytes / (1024 * 1024), uefi ? "uefi" : "bios",
        uefi ? "On".equalsIgnoreCase(secureBoot) : Boolean.FALSE, null, "unknown", null, state, out, nics);
  }
}
