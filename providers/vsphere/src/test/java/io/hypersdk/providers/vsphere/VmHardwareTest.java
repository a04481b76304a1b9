package io.hypersdk.providers.vsphere;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.providers.DiskInfo;
import io.hypersdk.providers.NicInfo;
import io.hypersdk.providers.VmInfo;
import io.hypersdk.providers.vsphere.vim25.MoRef;
import io.hypersdk.providers.vsphere.vim25.ObjectContent;
import io.hypersdk.providers.vsphere.vim25.Xml;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** VM facts from properties shaped as vCenter sends them (hardware the simulator does not model). */
class VmHardwareTest {
  private static Element val(String xml) throws Exception {
    return Xml.parse(("<val xmlns=\"urn:vim25\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">" + xml
        + "</val>").getBytes(StandardCharsets.UTF_8)).getDocumentElement();
  }

  private static ObjectContent vm() throws Exception {
    Map<String, Element> p = new LinkedHashMap<>();
    p.put("name", val("db01"));
    p.put("config.instanceUuid", val("5012abcd-0000-1111-2222-333344445555"));
    p.put("config.hardware.numCPU", val("4"));
    p.put("config.hardware.memoryMB", val("1536"));
    p.put("config.firmware", val("efi"));
    p.put("config.guestId", val("rhel9_64Guest"));
    p.put("guest.guestFullName", val("Red Hat Enterprise Linux 9 (64-bit)"));
    p.put("runtime.powerState", val("poweredOff"));
    p.put("config.bootOptions", val("<efiSecureBootEnabled>true</efiSecureBootEnabled>"
        + "<bootOrder xsi:type=\"VirtualMachineBootOptionsBootableDiskDevice\"><deviceKey>16001</deviceKey></bootOrder>"));
    p.put("config.hardware.device", val(
        "<VirtualDevice xsi:type=\"VirtualIDEController\"><key>200</key><busNumber>0</busNumber></VirtualDevice>"
        + "<VirtualDevice xsi:type=\"ParaVirtualSCSIController\"><key>1000</key><busNumber>0</busNumber></VirtualDevice>"
        + "<VirtualDevice xsi:type=\"VirtualNVMEController\"><key>31000</key><busNumber>0</busNumber></VirtualDevice>"
        + disk(2000, 1000, 0, "Hard disk 1", 10, "[ds1] db01/db01.vmdk")
        + disk(16001, 31000, 0, "Hard disk 2", 20, "[ds1] db01/db01_1.vmdk")
        + "<VirtualDevice xsi:type=\"VirtualVmxnet3\"><key>4000</key><backing "
        + "xsi:type=\"VirtualEthernetCardDistributedVirtualPortBackingInfo\"><port><switchUuid>50 1a</switchUuid>"
        + "<portgroupKey>dvportgroup-21</portgroupKey></port></backing><macAddress>00:50:56:AA:BB:01</macAddress>"
        + "</VirtualDevice>"
        + "<VirtualDevice xsi:type=\"VirtualE1000e\"><key>4001</key><backing "
        + "xsi:type=\"VirtualEthernetCardNetworkBackingInfo\"><deviceName>VM Network</deviceName></backing>"
        + "<macAddress>00:50:56:aa:bb:02</macAddress></VirtualDevice>"));
    return new ObjectContent(new MoRef("VirtualMachine", "vm-7"), p);
  }

  private static String disk(int key, int controller, int unit, String label, int gib, String file) {
    return "<VirtualDevice xsi:type=\"VirtualDisk\"><key>" + key + "</key><deviceInfo><label>" + label
        + "</label></deviceInfo><backing xsi:type=\"VirtualDiskFlatVer2BackingInfo\"><fileName>" + file
        + "</fileName></backing><controllerKey>" + controller + "</controllerKey><unitNumber>" + unit
        + "</unitNumber><capacityInKB>" + (gib << 20) + "</capacityInKB><capacityInBytes>" + ((long) gib << 30)
        + "</capacityInBytes></VirtualDevice>";
  }

  @Test
  void describesWhatVcenterSends() throws Exception {
    VmInfo vm = VmHardware.describe(vm(), new Inventory.VmPath(new MoRef("VirtualMachine", "vm-7"), "db01",
        "/Paris/vm/db01", "Paris"), Map.of("dvpg:dvportgroup-21", "Prod-VLAN-21"));
    assertThat(vm.id()).isEqualTo("5012abcd-0000-1111-2222-333344445555");
    assertThat(vm.datacenter()).isEqualTo("Paris");
    assertThat(vm.cpu()).isEqualTo(4);
    assertThat(vm.memGb()).as("1536 MiB rounds up").isEqualTo(2);
    assertThat(vm.firmware()).isEqualTo("uefi");
    assertThat(vm.secureBoot()).isTrue();
    assertThat(vm.osHint()).isEqualTo("linux");
    assertThat(vm.osVersion()).isEqualTo("Red Hat Enterprise Linux 9 (64-bit)");
    assertThat(vm.disks()).as("the boot-order disk first, though it sits on NVMe")
        .extracting(DiskInfo::label).containsExactly("Hard disk 2", "Hard disk 1");
    assertThat(vm.disks()).extracting(DiskInfo::id).containsExactly("disk-0", "disk-1");
    assertThat(vm.disks().get(0).capacityBytes()).isEqualTo(20L << 30);
    assertThat(vm.nics()).containsExactly(new NicInfo("nic0", "00:50:56:aa:bb:01", "Prod-VLAN-21"),
        new NicInfo("nic1", "00:50:56:aa:bb:02", "VM Network"));
  }

  @Test
  void firmwareNamesAreTheManifests() {
    assertThat(VmHardware.firmware("efi")).isEqualTo("uefi");
    assertThat(VmHardware.firmware("bios")).isEqualTo("bios");
    assertThat(VmHardware.firmware(null)).isEqualTo("bios");
    assertThat(VmHardware.firmware("other")).isEqualTo("unknown");
  }
}
