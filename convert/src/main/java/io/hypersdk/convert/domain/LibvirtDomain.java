package io.hypersdk.convert.domain;

import io.hypersdk.io.XmlText;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.Firmware;
import io.hypersdk.manifest.Nic;
import io.hypersdk.manifest.OsHint;
import io.hypersdk.manifest.VmSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A libvirt domain definition for a converted VM: BIOS guests get the i440fx machine ({@code pc}), UEFI
 * guests q35 with OVMF chosen by libvirt's firmware auto-selection, so the XML works across distributions
 * whose OVMF files live in different places.
 */
public final class LibvirtDomain {
  /** Used when the manifest says nothing about the CPU count. */
  public static final int DEFAULT_VCPUS = 2;
  /** Used when the manifest says nothing about memory, or says 0. */
  public static final int DEFAULT_MEMORY_GIB = 2;
  /** The libvirt network every NIC joins; source networks rarely exist under the same name on KVM. */
  public static final String DEFAULT_NETWORK = "default";

  private final String xml;
  private final List<String> warnings;

  private LibvirtDomain(String xml, List<String> warnings) {
    this.xml = xml;
    this.warnings = List.copyOf(warnings);
  }

  public String xml() {
    return xml;
  }

  /** Defaults the domain had to assume, said so the operator can check them. */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * Builds the domain named {@code name} for the manifest's VM with {@code disks} in boot order, choosing the
   * disk bus and NIC model from the manifest's os_hint alone.
   */
  public static LibvirtDomain of(String name, ArtifactManifest manifest, List<DomainDisk> disks) {
    boolean windows = manifest.vm() != null && manifest.vm().osHintKind() == OsHint.WINDOWS;
    DeviceModels devices = DeviceModels.unchecked(windows);
    LibvirtDomain d = of(name, manifest, disks, devices);
    List<String> warnings = new ArrayList<>(d.warnings);
    if (windows) {
      warnings.add(devices.reason());
    }
    return new LibvirtDomain(d.xml, warnings);
  }

  /** Builds the domain with the disk bus and NIC model the fix stage found the guest supports. */
  public static LibvirtDomain of(String name, ArtifactManifest manifest, List<DomainDisk> disks,
      DeviceModels devices) {
    List<String> warnings = new ArrayList<>();
    VmSpec vm = manifest.vm() == null ? new VmSpec(null, null, null, null, null, null) : manifest.vm();
    int vcpus = vm.cpu() == null ? DEFAULT_VCPUS : vm.cpu();
    if (vm.cpu() == null) {
      warnings.add("vm.cpu not given: the domain has " + DEFAULT_VCPUS + " vCPUs");
    }
    int memGib = vm.memGb() == null || vm.memGb() == 0 ? DEFAULT_MEMORY_GIB : vm.memGb();
    if (vm.memGb() == null || vm.memGb() == 0) {
      warnings.add("vm.mem_gb not given: the domain has " + DEFAULT_MEMORY_GIB + " GiB of memory");
    }
    Firmware firmware = vm.firmwareKind();
    if (firmware == Firmware.UNKNOWN) {
      warnings.add("vm.firmware is unknown: the domain boots with BIOS");
    }
    boolean uefi = firmware == Firmware.UEFI;
    boolean secureBoot = uefi && Boolean.TRUE.equals(vm.secureboot());
    boolean windows = vm.osHintKind() == OsHint.WINDOWS;
    String diskBus = devices.diskBus();
    String nicModel = devices.nicModel();

    StringBuilder x = new StringBuilder();
    x.append("<domain type='kvm'>\n");
    x.append("  <name>").append(esc(name)).append("</name>\n");
    if (manifest.vmName() != null) {
      x.append("  <title>").append(esc(manifest.vmName())).append("</title>\n");
    }
    x.append("  <description>").append(esc(describe(manifest))).append("</description>\n");
    x.append("  <memory unit='GiB'>").append(memGib).append("</memory>\n");
    x.append("  <currentMemory unit='GiB'>").append(memGib).append("</currentMemory>\n");
    x.append("  <vcpu placement='static'>").append(vcpus).append("</vcpu>\n");
    x.append(uefi ? "  <os firmware='efi'>\n" : "  <os>\n");
    x.append("    <type arch='x86_64' machine='").append(uefi ? "q35" : "pc").append("'>hvm</type>\n");
    if (uefi) {
      x.append("    <firmware>\n");
      x.append("      <feature enabled='").append(secureBoot ? "yes" : "no").append("' name='secure-boot'/>\n");
      x.append("    </firmware>\n");
    }
    x.append("  </os>\n");
    x.append("  <features>\n    <acpi/>\n    <apic/>\n");
    if (secureBoot) {
      x.append("    <smm state='on'/>\n");
    }
    x.append("  </features>\n");
    x.append("  <cpu mode='host-model'/>\n");
    x.append("  <clock offset='").append(windows ? "localtime" : "utc").append("'/>\n");
    x.append("  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>restart</on_reboot>\n  <on_crash>destroy</on_crash>\n");
    x.append("  <devices>\n");
    for (int i = 0; i < disks.size(); i++) {
      DomainDisk d = disks.get(i);
      x.append("    <disk type='file' device='disk'>\n");
      x.append("      <driver name='qemu' type='").append(esc(d.format())).append("'/>\n");
      x.append("      <source file='").append(esc(d.path())).append("'/>\n");
      x.append("      <target dev='").append("virtio".equals(diskBus) ? "vd" : "sd").append(driveLetters(i)).append("' bus='")
          .append(diskBus).append("'/>\n");
      x.append("      <boot order='").append(i + 1).append("'/>\n");
      x.append("    </disk>\n");
    }
    List<Nic> nics = manifest.nics() == null ? List.of() : manifest.nics();
    for (Nic nic : nics) {
      x.append("    <interface type='network'>\n");
      if (nic.mac() != null) {
        x.append("      <mac address='").append(esc(nic.mac().toLowerCase(Locale.ROOT))).append("'/>\n");
      }
      x.append("      <source network='").append(DEFAULT_NETWORK).append("'/>\n");
      x.append("      <model type='").append(nicModel).append("'/>\n");
      x.append("    </interface>\n");
    }
    x.append("    <serial type='pty'/>\n    <console type='pty'/>\n");
    x.append("    <channel type='unix'>\n      <target type='virtio' name='org.qemu.guest_agent.0'/>\n    </channel>\n");
    x.append("    <input type='tablet' bus='usb'/>\n");
    x.append("    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>\n");
    x.append("    <video>\n      <model type='").append(windows ? "vga" : "virtio").append("'/>\n    </video>\n");
    x.append("    <memballoon model='virtio'/>\n");
    x.append("  </devices>\n");
    x.append("</domain>\n");
    return new LibvirtDomain(x.toString(), warnings);
  }

  private static String describe(ArtifactManifest m) {
    StringBuilder d = new StringBuilder("Converted by HyperSDK");
    if (m.source() != null) {
      if (m.source().provider() != null) {
        d.append(" from ").append(m.source().provider());
      }
      if (m.source().vmId() != null) {
        d.append(" VM ").append(m.source().vmId());
      }
    }
    if (m.jobId() != null) {
      d.append(", job ").append(m.jobId());
    }
    List<Nic> nics = m.nics() == null ? List.of() : m.nics();
    List<String> networks = nics.stream().filter(n -> n.network() != null).map(Nic::network).distinct().toList();
    if (!networks.isEmpty()) {
      d.append(". Source networks: ").append(String.join(", ", networks));
    }
    return d.toString();
  }

  /** vda, vdb, … vdz, vdaa, like the kernel names them. */
  static String driveLetters(int index) {
    StringBuilder s = new StringBuilder();
    int i = index;
    do {
      s.insert(0, (char) ('a' + i % 26));
      i = i / 26 - 1;
    } while (i >= 0);
    return s.toString();
  }

  private static String esc(String s) {
    return XmlText.escape(s);
  }
}
