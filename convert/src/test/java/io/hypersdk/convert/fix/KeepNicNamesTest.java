package io.hypersdk.convert.fix;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.manifest.Nic;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeepNicNamesTest {
  private static final Nic FIRST = new Nic("nic0", "00:50:56:A1:12:01", "VM Network");
  private static final Nic SECOND = new Nic("nic1", "00:50:56:a1:12:02", "Backup");

  @Test
  void configuredNamesPairWithTheNicsInOrder() {
    assertThat(KeepNicNames.names(List.of(FIRST, SECOND), Map.of(), List.of("ens192", "ens224")))
        .containsExactly(Map.entry("00:50:56:a1:12:01", "ens192"), Map.entry("00:50:56:a1:12:02", "ens224"));
  }

  @Test
  void persistentNetRulesWinAndTheirNamesAreNotReused() {
    assertThat(KeepNicNames.names(List.of(FIRST, SECOND), Map.of("00:50:56:a1:12:02", "eth0"),
        List.of("eth0", "eth1"))).containsExactly(Map.entry("00:50:56:a1:12:01", "eth1"),
        Map.entry("00:50:56:a1:12:02", "eth0"));
  }

  @Test
  void aNicWithoutAConfiguredNameGetsNoLinkFile() {
    assertThat(KeepNicNames.names(List.of(FIRST, SECOND), Map.of(), List.of("ens192")))
        .containsOnlyKeys("00:50:56:a1:12:01");
  }

  @Test
  void namesAreFoundInIfupdownNetplanIfcfgAndNetworkManagerFiles() {
    Set<String> names = new LinkedHashSet<>();
    KeepNicNames.collect("auto lo\niface lo inet loopback\nallow-hotplug ens192\niface ens192 inet dhcp\n",
        KeepNicNames.IFUPDOWN, names);
    KeepNicNames.collect("network:\n  version: 2\n  ethernets:\n    ens224:\n      dhcp4: true\n",
        KeepNicNames.NETPLAN, names);
    KeepNicNames.collect("TYPE=Ethernet\nDEVICE=\"ens256\"\nBOOTPROTO=dhcp\n", KeepNicNames.IFCFG, names);
    KeepNicNames.collect("[connection]\nid=Wired\ninterface-name=ens161\n", KeepNicNames.NM, names);
    assertThat(names).containsExactly("lo", "ens192", "ens224", "ens256", "ens161");
  }
}
