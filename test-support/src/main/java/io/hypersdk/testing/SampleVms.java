package io.hypersdk.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Sample VMs built with qemu-img and tar, independent of the code under test: streamOptimized VMDKs (what
 * vSphere exports), and OVF folders and OVAs that hold them with a descriptor written here.
 */
public final class SampleVms {
  private SampleVms() {}

  /** A disk: the raw image its content came from (to compare converted images with) and its VMDK. */
  public record SampleDisk(Path raw, Path vmdk) {}

  /**
   * {@code dir/raw/NAME.raw} ({@code sizeMiB}, pseudo-random content from {@code seed}, see {@link TestDisks#raw})
   * as the streamOptimized {@code dir/vmdk/NAME.vmdk}.
   */
  public static SampleDisk disk(Path dir, String name, int sizeMiB, long seed) throws IOException {
    Path raw = TestDisks.raw(Files.createDirectories(dir.resolve("raw")), name, sizeMiB, seed);
    Path vmdk = TestDisks.as(raw, "vmdk", "subformat=streamOptimized", "vmdk");
    Path target = Files.createDirectories(dir.resolve("vmdk")).resolve(name + ".vmdk");
    return new SampleDisk(raw, Files.move(vmdk, target, StandardCopyOption.REPLACE_EXISTING));
  }

  /**
   * An OVF folder {@code folder} with {@code VM.ovf} and copies of the disks' VMDKs (boot disk first), and
   * {@code folder/VM.ova}, the same files in a tar with the descriptor first; returns the OVA.
   */
  public static Path ova(Path folder, String vm, List<SampleDisk> disks) throws IOException {
    Path tar = Tools.require("tar", "tar");
    Files.createDirectories(folder);
    List<String> members = new ArrayList<>(List.of(vm + ".ovf"));
    for (SampleDisk d : disks) {
      Files.copy(d.vmdk(), folder.resolve(d.vmdk().getFileName()), StandardCopyOption.REPLACE_EXISTING);
      members.add(d.vmdk().getFileName().toString());
    }
    Files.writeString(folder.resolve(vm + ".ovf"), descriptor(vm, disks), StandardCharsets.UTF_8);
    Path ova = folder.resolve(vm + ".ova");
    List<String> cmd = new ArrayList<>(List.of(tar.toString(), "--format=ustar", "-cf", ova.toString(),
        "-C", folder.toString()));
    cmd.addAll(members);
    Tools.run(cmd);
    return ova;
  }

  /** A one-disk VM: {@code dir/ova/VM.ova} holding {@code VM.vmdk} of {@code sizeMiB}. */
  public static Path ova(Path dir, String vm, int sizeMiB, long seed) throws IOException {
    return ova(dir.resolve("ova"), vm, List.of(disk(dir, vm, sizeMiB, seed)));
  }

  /** OVF 1.0 with what a VM needs to be read back: files, disks with their capacity, their order, BIOS. */
  private static String descriptor(String vm, List<SampleDisk> disks) throws IOException {
    StringBuilder x = new StringBuilder("""
        <?xml version="1.0" encoding="UTF-8"?>
        <Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" \
        xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" \
        xmlns:vmw="http://www.vmware.com/schema/ovf">
          <References>
        """);
    for (int i = 1; i <= disks.size(); i++) {
      Path vmdk = disks.get(i - 1).vmdk();
      x.append("    <File ovf:href=\"%s\" ovf:id=\"file%d\" ovf:size=\"%d\"/>\n"
          .formatted(vmdk.getFileName(), i, Files.size(vmdk)));
    }
    x.append("  </References>\n  <DiskSection>\n    <Info>Virtual disks</Info>\n");
    for (int i = 1; i <= disks.size(); i++) {
      x.append(("    <Disk ovf:capacity=\"%d\" ovf:capacityAllocationUnits=\"byte\" ovf:diskId=\"vmdisk%d\""
          + " ovf:fileRef=\"file%d\" ovf:format=\"http://www.vmware.com/interfaces/specifications/vmdk.html"
          + "#streamOptimized\"/>\n").formatted(Files.size(disks.get(i - 1).raw()), i, i));
    }
    x.append("""
          </DiskSection>
          <VirtualSystem ovf:id="%1$s">
            <Info>A virtual machine</Info>
            <Name>%1$s</Name>
            <VirtualHardwareSection>
              <Info>Virtual hardware</Info>
              <Item><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>6</rasd:ResourceType></Item>
        """.formatted(vm));
    for (int i = 1; i <= disks.size(); i++) {
      x.append(("      <Item><rasd:AddressOnParent>%d</rasd:AddressOnParent><rasd:ElementName>Hard disk %d"
          + "</rasd:ElementName><rasd:HostResource>ovf:/disk/vmdisk%d</rasd:HostResource>"
          + "<rasd:InstanceID>%d</rasd:InstanceID><rasd:Parent>1</rasd:Parent>"
          + "<rasd:ResourceType>17</rasd:ResourceType></Item>\n").formatted(i - 1, i, i, i + 1));
    }
    x.append("""
              <vmw:Config ovf:required="false" vmw:key="firmware" vmw:value="bios"/>
            </VirtualHardwareSection>
          </VirtualSystem>
        </Envelope>
        """);
    return x.toString();
  }
}
