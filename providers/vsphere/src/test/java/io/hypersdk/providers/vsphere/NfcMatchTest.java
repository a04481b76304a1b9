package io.hypersdk.providers.vsphere;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.providers.DiskInfo;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which lease URL carries which disk. */
class NfcMatchTest {
  private static VmHardware.Disk disk(String id, String controller, int bus, int unit, int deviceOrder) {
    return new VmHardware.Disk(new DiskInfo(id, id, 1, null), 2000 + deviceOrder, controller, bus, unit, deviceOrder);
  }

  private static NfcExport.DeviceUrl url(String key) {
    return new NfcExport.DeviceUrl(key, URI.create("https://esx/nfc/x/" + key.hashCode()), null);
  }

  @Test
  void vcenterKeysNameControllerBusAndUnit() {
    // Boot order puts the SCSI disk first although the IDE disk comes first among the devices.
    List<VmHardware.Disk> disks = List.of(disk("disk-0", "ParaVirtualSCSIController", 1, 0, 1),
        disk("disk-1", "VirtualIDEController", 0, 0, 0));
    NfcExport.DeviceUrl ide = url("/vm-42/VirtualIDEController0:0");
    NfcExport.DeviceUrl scsi = url("/vm-42/ParaVirtualSCSIController1:0");
    assertThat(NfcExport.match(List.of(ide, scsi), disks)).containsExactly(scsi, ide);
  }

  @Test
  void otherwiseTheUrlsFollowDeviceOrder() {
    List<VmHardware.Disk> disks = List.of(disk("disk-0", "VirtualLsiLogicController", 0, 1, 1),
        disk("disk-1", "VirtualLsiLogicController", 0, 0, 0));
    NfcExport.DeviceUrl first = url("/vm-42/disk:0");
    NfcExport.DeviceUrl second = url("/vm-42/disk:1");
    assertThat(NfcExport.match(List.of(first, second), disks)).containsExactly(second, first);
  }

  @Test
  void leasePercentStaysBelow100UntilTheEnd() {
    assertThat(NfcExport.percent(0, 0)).isZero();
    assertThat(NfcExport.percent(50, 100)).isEqualTo(50);
    assertThat(NfcExport.percent(500, 100)).isEqualTo(99);
  }
}
