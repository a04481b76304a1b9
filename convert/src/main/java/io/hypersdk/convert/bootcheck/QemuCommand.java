package io.hypersdk.convert.bootcheck;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionException.Kind;
import io.hypersdk.convert.accel.Accel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The qemu-system-x86_64 command line that boots a {@link BootDomain} headless: the domain's machine, firmware,
 * disk buses and NIC models, the serial console on stdout, user networking that reaches nothing outside the
 * host ({@code restrict=on}) with every frame recorded to a pcap per NIC.
 *
 * @param ovmfCode the UEFI code file, null for BIOS guests
 * @param ovmfVars this boot's private copy of the UEFI variables, null for BIOS guests
 */
record QemuCommand(Path qemu, BootDomain domain, Accel accel, List<Path> overlays, Path ovmfCode, Path ovmfVars,
    Path workDir) {

  /** libvirt SCSI controller models and the qemu device that emulates each. */
  private static final Map<String, String> SCSI_CONTROLLERS = Map.of("lsilogic", "lsi53c895a",
      "lsisas1068", "mptsas1068", "lsisas1078", "megasas-gen2", "vmpvscsi", "pvscsi", "virtio-scsi",
      "virtio-scsi-pci", "virtio-transitional", "virtio-scsi-pci", "virtio-non-transitional", "virtio-scsi-pci");
  /** libvirt NIC models and the qemu device that emulates each. */
  private static final Map<String, String> NIC_MODELS = Map.of("virtio", "virtio-net-pci", "e1000", "e1000",
      "e1000e", "e1000e", "vmxnet3", "vmxnet3", "rtl8139", "rtl8139", "pcnet", "pcnet", "ne2k_pci", "ne2k_pci",
      "virtio-transitional", "virtio-net-pci", "virtio-non-transitional", "virtio-net-pci");

  /** Where frames of NIC {@code index} are recorded. */
  static Path pcap(Path workDir, int index) {
    return workDir.resolve("nic" + index + ".pcap");
  }

  /** The MAC qemu gives NIC {@code index} when the domain names none; the pcap needs to know it. */
  static String mac(BootDomain.Nic nic, int index) {
    return nic.mac() != null ? nic.mac() : String.format("52:54:00:b0:07:%02x", index);
  }

  List<String> args() throws ConversionException {
    List<String> a = new ArrayList<>(List.of(qemu.toString(), "-nodefaults", "-no-user-config", "-name",
        "hypersdk-boot-check", "-display", "none", "-no-reboot", "-boot", "strict=on"));
    // graphics=off makes SeaBIOS print on the serial port, so a firmware that finds no disk says so there.
    a.addAll(List.of("-machine", domain.machine() + ",graphics=off" + (domain.secureBoot() ? ",smm=on" : "")));
    a.addAll(accel.qemuArgs());
    a.addAll(List.of("-m", Long.toString(domain.memoryMib()), "-smp", Integer.toString(domain.vcpus())));
    a.addAll(List.of("-serial", "stdio"));
    if (ovmfCode != null) {
      if (domain.secureBoot()) {
        a.addAll(List.of("-global", "driver=cfi.pflash01,property=secure,value=on"));
      }
      a.addAll(List.of("-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + escape(ovmfCode),
          "-drive", "if=pflash,format=raw,unit=1,file=" + escape(ovmfVars)));
    }
    if (domain.kernel() != null) {
      a.addAll(List.of("-kernel", domain.kernel().toString()));
      if (domain.initrd() != null) {
        a.addAll(List.of("-initrd", domain.initrd().toString()));
      }
      if (domain.cmdline() != null) {
        a.addAll(List.of("-append", domain.cmdline()));
      }
    }
    disks(a);
    for (int i = 0; i < domain.nics().size(); i++) {
      BootDomain.Nic nic = domain.nics().get(i);
      String model = nic.model() == null ? ("q35".equals(domain.machine()) ? "e1000e" : "e1000") : nic.model();
      String device = NIC_MODELS.get(model);
      if (device == null) {
        throw new ConversionException(Kind.CONVERSION, "the boot check cannot emulate the NIC model '" + model
            + "'; it knows " + String.join(", ", NIC_MODELS.keySet().stream().sorted().toList()));
      }
      a.addAll(List.of("-netdev", "user,id=net" + i + ",restrict=on",
          // No option ROM: a guest that does not boot from disk fails at once instead of trying PXE.
          "-device", device + ",netdev=net" + i + ",mac=" + mac(nic, i) + ",romfile=",
          "-object", "filter-dump,id=dump" + i + ",netdev=net" + i + ",file=" + pcap(workDir, i)));
    }
    return a;
  }

  private void disks(List<String> a) throws ConversionException {
    List<BootDomain.Disk> disks = domain.disks();
    // Disks with a boot order first, by it; the rest after them in the order the domain lists them.
    List<Integer> byBootOrder = IntStream.range(0, disks.size()).boxed()
        .sorted(Comparator.comparing((Integer i) -> disks.get(i).bootOrder() == null ? Integer.MAX_VALUE
            : disks.get(i).bootOrder())).toList();
    Map<Integer, String> scsiControllers = new LinkedHashMap<>();
    boolean ahci = false;
    int sataPort = 0;
    int ideSlot = 0;
    for (int i = 0; i < disks.size(); i++) {
      BootDomain.Disk d = disks.get(i);
      String id = "disk" + i;
      int bootIndex = byBootOrder.indexOf(i) + 1;
      a.addAll(List.of("-drive", "file=" + escape(overlays.get(i)) + ",format=qcow2,if=none,id=" + id
          + ",cache=unsafe"));
      switch (d.bus()) {
        case "virtio" -> a.addAll(List.of("-device", "virtio-blk-pci,drive=" + id + ",bootindex=" + bootIndex));
        case "scsi" -> {
          String controller = "scsi" + d.controller();
          if (!scsiControllers.containsKey(d.controller())) {
            String model = d.controllerModel() == null ? "lsilogic" : d.controllerModel();
            String device = SCSI_CONTROLLERS.get(model);
            if (device == null) {
              throw new ConversionException(Kind.CONVERSION, "the boot check cannot emulate the SCSI controller '"
                  + model + "'; it knows " + String.join(", ", SCSI_CONTROLLERS.keySet().stream().sorted().toList()));
            }
            scsiControllers.put(d.controller(), device);
            a.addAll(List.of("-device", device + ",id=" + controller));
          }
          a.addAll(List.of("-device", "scsi-hd,drive=" + id + ",bus=" + controller + ".0,bootindex=" + bootIndex));
        }
        case "sata" -> {
          if (!ahci) {
            a.addAll(List.of("-device", "ich9-ahci,id=ahci"));
            ahci = true;
          }
          a.addAll(List.of("-device", "ide-hd,drive=" + id + ",bus=ahci." + sataPort++ + ",bootindex=" + bootIndex));
        }
        case "ide" -> {
          // i440fx has two IDE buses of two units; q35's built-in AHCI ports are named ide.0 to ide.5.
          String bus = "q35".equals(domain.machine()) ? "ide." + ideSlot : "ide." + ideSlot / 2 + ",unit=" + ideSlot % 2;
          ideSlot++;
          a.addAll(List.of("-device", "ide-hd,drive=" + id + ",bus=" + bus + ",bootindex=" + bootIndex));
        }
        default -> throw new ConversionException(Kind.CONVERSION, "the boot check cannot attach a disk on bus '"
            + d.bus() + "' (" + d.path() + "); it knows virtio, scsi, sata and ide");
      }
    }
  }

  /** qemu option values double a comma to keep it literal. */
  private static String escape(Path p) {
    return p.toString().replace(",", ",,");
  }
}
