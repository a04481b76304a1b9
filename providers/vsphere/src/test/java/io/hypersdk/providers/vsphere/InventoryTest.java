package io.hypersdk.providers.vsphere;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.providers.vsphere.vim25.MoRef;
import java.util.List;
import org.junit.jupiter.api.Test;

/** VM lookup over an inventory with two datacenters, a folder and the same VM name twice. */
class InventoryTest {
  private static Inventory.Node node(String type, String id, String name, String parent) {
    return new Inventory.Node(new MoRef(type, id), name, parent == null ? null : new MoRef(
        parent.startsWith("dc") ? "Datacenter" : "Folder", parent));
  }

  private final Inventory inv = new Inventory(List.of(
      node("Folder", "root", "", null),
      node("Datacenter", "dc1", "Paris", "root"),
      node("Folder", "vmf1", "vm", "dc1"),
      node("Folder", "web", "web", "vmf1"),
      node("VirtualMachine", "vm-1", "web01", "web"),
      node("Datacenter", "dc2", "Berlin", "root"),
      node("Folder", "vmf2", "vm", "dc2"),
      node("VirtualMachine", "vm-2", "web01", "vmf2"),
      node("VirtualMachine", "vm-3", "db01", "vmf2")));

  @Test
  void pathsRunFromTheDatacenterDown() throws Exception {
    assertThat(inv.vms()).extracting(Inventory.VmPath::path)
        .containsExactly("/Berlin/vm/db01", "/Berlin/vm/web01", "/Paris/vm/web/web01");
    assertThat(inv.find("/Paris/vm/web/web01").datacenter()).isEqualTo("Paris");
    assertThat(inv.find("db01").ref().value()).isEqualTo("vm-3");
  }

  @Test
  void aNameInTwoDatacentersIsAmbiguous() {
    assertThatThrownBy(() -> inv.find("web01")).hasMessageContaining("ambiguous")
        .hasMessageContaining("/Berlin/vm/web01, /Paris/vm/web/web01");
  }

  @Test
  void aRelativePathNeedsASingleDatacenter() {
    assertThatThrownBy(() -> inv.find("web/web01")).hasMessageContaining("2 datacenters (Berlin, Paris)");
  }
}
