package io.hypersdk.convert.fix;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StableDeviceNamesTest {
  @Test
  void kernelNamesMapToTheApplianceDiskInBootOrder() {
    Names s = withDisks(StableDeviceNames.Mode.STABILIZE_ALL);
    assertThat(s.applianceDevice("/dev/sda1")).isEqualTo("/dev/sda1");
    assertThat(s.applianceDevice("/dev/sdb")).isEqualTo("/dev/sdb");
    assertThat(s.applianceDevice("/dev/hdb2")).isEqualTo("/dev/sdb2");
    assertThat(s.applianceDevice("/dev/disk/by-path/pci-0000:03:00.0-scsi-0:0:1:0-part1")).isEqualTo("/dev/sdb1");
    assertThat(s.applianceDevice("/dev/sdc1")).as("a disk the VM does not have").isNull();
    assertThat(s.applianceDevice("/dev/mapper/vg-root")).as("LVM names are stable").isNull();
    assertThat(s.applianceDevice("UUID=1234")).isNull();
  }

  @Test
  void bypathOnlyLeavesKernelNamesAlone() {
    Names s = withDisks(StableDeviceNames.Mode.BYPATH_ONLY);
    assertThat(s.applianceDevice("/dev/sda1")).isNull();
    assertThat(s.applianceDevice("/dev/disk/by-path/pci-0000:03:00.0-scsi-0:0:0:0-part2")).isEqualTo("/dev/sda2");
  }

  @Test
  void onlyKernelLinesOfGrubCfgAreEdited() {
    assertThat(StableDeviceNames.kernelLine("linux /vmlinuz-6.1.0 root=/dev/sda1 ro quiet")).isTrue();
    assertThat(StableDeviceNames.kernelLine("set root='hd0,msdos1'")).isFalse();
    assertThat(StableDeviceNames.kernelLine("search --no-floppy --fs-uuid --set=root 1234")).isFalse();
  }

  @Test
  void grubenvKerneloptsAreEditedFromTheirFirstArgument() {
    String line = "kernelopts=root=/dev/sda1 ro crashkernel=auto resume=/dev/sda2 rhgb quiet";
    assertThat(StableDeviceNames.kernelopts(line)).isEqualTo("root=/dev/sda1 ro crashkernel=auto resume=/dev/sda2 "
        + "rhgb quiet");
    java.util.List<String> devices = StableDeviceNames.CMDLINE_DEVICE.matcher(StableDeviceNames.kernelopts(line))
        .results().map(m -> m.group(2)).toList();
    assertThat(devices).as("RHEL 8's root= right after kernelopts= is found").containsExactly("/dev/sda1", "/dev/sda2");
    assertThat(StableDeviceNames.kernelopts("saved_entry=4a1d-6.1.0")).isNull();
  }

  @Test
  void modesAreReadFromTheManifest() {
    assertThat(StableDeviceNames.Mode.of(null)).isEqualTo(StableDeviceNames.Mode.STABILIZE_ALL);
    assertThat(StableDeviceNames.Mode.of("bypath-only")).isEqualTo(StableDeviceNames.Mode.BYPATH_ONLY);
    assertThat(StableDeviceNames.Mode.of("noop")).isEqualTo(StableDeviceNames.Mode.NOOP);
  }

  /** Names for a VM of two disks, as the appliance sees them. */
  private record Names(StableDeviceNames.Mode mode) {
    String applianceDevice(String device) {
      return StableDeviceNames.applianceDevice(device, mode, java.util.List.of("/dev/sda", "/dev/sdb"));
    }
  }

  private static Names withDisks(StableDeviceNames.Mode mode) {
    return new Names(mode);
  }
}
