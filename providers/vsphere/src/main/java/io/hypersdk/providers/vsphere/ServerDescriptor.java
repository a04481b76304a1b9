package io.hypersdk.providers.vsphere;

import io.hypersdk.providers.ExportedDisk;
import io.hypersdk.providers.vsphere.vim25.MoRef;
import io.hypersdk.providers.vsphere.vim25.VimConnection;
import io.hypersdk.providers.vsphere.vim25.VimFault;
import io.hypersdk.providers.vsphere.vim25.Xml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The OVF descriptor as vCenter writes it (OvfManager.CreateDescriptor), told which files the export
 * wrote, so it references exactly them. Empty when the server has no OvfManager, refuses, or returns a
 * descriptor that misses a file; the caller then writes one from the VM's hardware.
 */
final class ServerDescriptor {
  private static final String OVF_NS = "http://schemas.dmtf.org/ovf/envelope/1";

  private ServerDescriptor() {}

  static Optional<String> create(VimConnection vim, MoRef vm, String name, List<ExportedDisk> disks,
      List<String> deviceKeys, List<String> warnings) throws InterruptedException {
    MoRef ovfManager = vim.content().ovfManager();
    if (ovfManager == null) {
      return Optional.empty();
    }
    StringBuilder cdp = new StringBuilder("<cdp>");
    for (int i = 0; i < disks.size(); i++) {
      ExportedDisk d = disks.get(i);
      cdp.append("<ovfFiles><deviceId>").append(Xml.escape(deviceKeys.get(i))).append("</deviceId><path>")
          .append(Xml.escape(Path.of(d.path()).getFileName().toString())).append("</path><size>").append(d.bytes())
          .append("</size></ovfFiles>");
    }
    cdp.append("<name>").append(Xml.escape(name)).append("</name><includeImageFiles>false</includeImageFiles></cdp>");
    Element r;
    try {
      r = vim.invoke("CreateDescriptor", ovfManager, vm.xml("obj") + cdp);
    } catch (VimFault e) {
      if (!e.is("NotSupported") && !e.is("MethodNotFound")) {
        warnings.add("vCenter could not write the OVF descriptor (" + e.getMessage() + "); wrote one from the VM's "
            + "hardware instead");
      }
      return Optional.empty();
    }
    Element result = Xml.child(r, "returnval").orElse(null);
    String xml = result == null ? null : Xml.text(result, "ovfDescriptor").orElse(null);
    if (xml == null || xml.isBlank() || !Xml.children(result, "error").isEmpty()) {
      warnings.add("vCenter returned no usable OVF descriptor; wrote one from the VM's hardware instead");
      return Optional.empty();
    }
    Set<String> missing = new HashSet<>();
    disks.forEach(d -> missing.add(Path.of(d.path()).getFileName().toString()));
    try {
      NodeList files = Xml.parse(xml.getBytes(StandardCharsets.UTF_8)).getElementsByTagNameNS(OVF_NS, "File");
      for (int i = 0; i < files.getLength(); i++) {
        missing.remove(((Element) files.item(i)).getAttributeNS(OVF_NS, "href"));
      }
    } catch (IOException e) {
      warnings.add("vCenter's OVF descriptor is not valid XML; wrote one from the VM's hardware instead");
      return Optional.empty();
    }
    if (!missing.isEmpty()) {
      warnings.add("vCenter's OVF descriptor does not reference " + String.join(", ", missing.stream().sorted()
          .toList()) + "; wrote one from the VM's hardware instead");
      return Optional.empty();
    }
    return Optional.of(xml);
  }
}
