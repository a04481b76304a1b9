package io.hypersdk.providers.ovf;

import io.hypersdk.io.XmlText;
import io.hypersdk.providers.ExportedDisk;
import io.hypersdk.providers.NicInfo;
import io.hypersdk.providers.VmInfo;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes an OVF descriptor for exported disks — with a References entry for every file, which upstream
 * left out — and the {@code .mf} manifest of SHA256 lines.
 */
public final class OvfWriter {
  private OvfWriter() {}

  public static String descriptor(VmInfo vm, List<ExportedDisk> disks) {
    StringBuilder x = new StringBuilder();
    x.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.append("<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\" xmlns:ovf=\"http://schemas.dmtf.org/ovf/envelope/1\"")
        .append(" xmlns:rasd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData\"")
        .append(" xmlns:vssd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData\"")
        .append(" xmlns:vmw=\"http://www.vmware.com/schema/ovf\">\n");
    x.append("  <References>\n");
    for (int i = 0; i < disks.size(); i++) {
      ExportedDisk d = disks.get(i);
      x.append("    <File ovf:href=\"").append(e(fileName(d))).append("\" ovf:id=\"file").append(i + 1)
          .append("\" ovf:size=\"").append(d.bytes()).append("\"/>\n");
    }
    x.append("  </References>\n  <DiskSection>\n    <Info>Virtual disks</Info>\n");
    for (int i = 0; i < disks.size(); i++) {
      long capacity = i < vm.disks().size() ? vm.disks().get(i).capacityBytes() : 0;
      x.append("    <Disk ovf:capacity=\"").append(capacity).append("\" ovf:capacityAllocationUnits=\"byte\"")
          .append(" ovf:diskId=\"vmdisk").append(i + 1).append("\" ovf:fileRef=\"file").append(i + 1)
          .append("\" ovf:format=\"http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized\"/>\n");
    }
    x.append("  </DiskSection>\n  <NetworkSection>\n    <Info>Networks</Info>\n");
    vm.nics().stream().map(NicInfo::network).filter(n -> n != null).distinct()
        .forEach(n -> x.append("    <Network ovf:name=\"").append(e(n)).append("\"/>\n"));
    x.append("  </NetworkSection>\n");
    x.append("  <VirtualSystem ovf:id=\"").append(e(vm.name())).append("\">\n");
    x.append("    <Info>A virtual machine</Info>\n    <Name>").append(e(vm.name())).append("</Name>\n");
    x.append("    <OperatingSystemSection ovf:id=\"0\"").append(vm.guestId() == null ? ""
        : " vmw:osType=\"" + e(vm.guestId()) + "\"").append(">\n      <Info>Guest OS</Info>\n");
    if (vm.osVersion() != null) {
      x.append("      <Description>").append(e(vm.osVersion())).append("</Description>\n");
    }
    x.append("    </OperatingSystemSection>\n");
    x.append("    <VirtualHardwareSection>\n      <Info>Virtual hardware</Info>\n");
    int id = 1;
    if (vm.cpu() != null) {
      item(x, id++, "3", "<rasd:VirtualQuantity>" + vm.cpu() + "</rasd:VirtualQuantity>");
    }
    if (vm.memoryMiB() != null) {
      item(x, id++, "4", "<rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:VirtualQuantity>"
          + vm.memoryMiB() + "</rasd:VirtualQuantity>");
    }
    int controller = id++;
    item(x, controller, "6", "<rasd:ResourceSubType>lsilogic</rasd:ResourceSubType>");
    for (int i = 0; i < disks.size(); i++) {
      item(x, id++, "17", "<rasd:AddressOnParent>" + i + "</rasd:AddressOnParent><rasd:ElementName>"
          + e(disks.get(i).label() == null ? "Hard disk " + (i + 1) : disks.get(i).label())
          + "</rasd:ElementName><rasd:HostResource>ovf:/disk/vmdisk" + (i + 1)
          + "</rasd:HostResource><rasd:Parent>" + controller + "</rasd:Parent>");
    }
    for (NicInfo nic : vm.nics()) {
      item(x, id++, "10", (nic.mac() == null ? "" : "<rasd:Address>" + e(nic.mac()) + "</rasd:Address>")
          + (nic.network() == null ? "" : "<rasd:Connection>" + e(nic.network()) + "</rasd:Connection>"));
    }
    x.append("      <vmw:Config ovf:required=\"false\" vmw:key=\"firmware\" vmw:value=\"")
        .append("uefi".equals(vm.firmware()) ? "efi" : "bios").append("\"/>\n");
    x.append("    </VirtualHardwareSection>\n  </VirtualSystem>\n</Envelope>\n");
    return x.toString();
  }

  /** {@code SHA256(file)= hex} lines for the descriptor and every disk. */
  public static String manifest(String descriptorName, String descriptorSha256, List<ExportedDisk> disks) {
    StringBuilder m = new StringBuilder();
    m.append("SHA256(").append(descriptorName).append(")= ").append(hex(descriptorSha256)).append('\n');
    for (ExportedDisk d : disks) {
      m.append("SHA256(").append(fileName(d)).append(")= ").append(hex(d.sha256())).append('\n');
    }
    return m.toString();
  }

  private static String hex(String sha256) {
    return sha256.startsWith("sha256:") ? sha256.substring(7) : sha256;
  }

  private static String fileName(ExportedDisk d) {
    return Path.of(d.path()).getFileName().toString();
  }

  private static void item(StringBuilder x, int id, String type, String body) {
    x.append("      <Item><rasd:InstanceID>").append(id).append("</rasd:InstanceID><rasd:ResourceType>").append(type)
        .append("</rasd:ResourceType>").append(body).append("</Item>\n");
  }

  private static String e(String s) {
    return XmlText.escape(s);
  }
}
