package io.hypersdk.providers.ovf;

import io.hypersdk.providers.DiskInfo;
import io.hypersdk.providers.GuestOs;
import io.hypersdk.providers.NicInfo;
import io.hypersdk.providers.VmInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Reads an OVF descriptor: name, vCPUs, memory, firmware, guest OS, NICs with MAC and network, and disks in
 * controller order with the files that hold them. Elements are matched by local name, so the namespace
 * prefixes different tools use do not matter.
 */
public final class OvfDescriptor {
  private OvfDescriptor() {}

  /** The VM described, plus each disk's file name ({@link DiskInfo#file()}) relative to the descriptor. */
  public static VmInfo parse(byte[] xml, String origin) throws IOException {
    Document doc = parseXml(xml, origin);
    Element envelope = doc.getDocumentElement();
    Map<String, String> fileHref = new HashMap<>();
    for (Element f : all(envelope, "File")) {
      fileHref.put(attr(f, "id"), attr(f, "href"));
    }
    Map<String, Element> diskById = new HashMap<>();
    for (Element d : all(envelope, "Disk")) {
      diskById.put(attr(d, "diskId"), d);
    }
    Element system = first(envelope, "VirtualSystem");
    if (system == null) {
      throw new IOException(origin + ": no VirtualSystem in the OVF descriptor");
    }
    String name = text(first(system, "Name"));
    if (name == null) {
      name = attr(system, "id");
    }
    Integer cpu = null;
    Long memMiB = null;
    String firmware = "bios";
    Boolean secureBoot = null;
    List<Element> controllers = new ArrayList<>();
    List<Element> diskItems = new ArrayList<>();
    List<NicInfo> nics = new ArrayList<>();
    for (Element item : all(system, "Item")) {
      String type = text(first(item, "ResourceType"));
      if (type == null) {
        continue;
      }
      switch (type) {
        case "3" -> cpu = parseInt(text(first(item, "VirtualQuantity")));
        case "4" -> memMiB = toMiB(parseLong(text(first(item, "VirtualQuantity"))), text(first(item, "AllocationUnits")));
        case "5", "6", "20" -> controllers.add(item);
        case "17" -> diskItems.add(item);
        case "10" -> nics.add(new NicInfo("nic" + nics.size(), text(first(item, "Address")),
            text(first(item, "Connection"))));
        default -> { }
      }
    }
    for (Element cfg : all(system, "Config")) {
      String key = attr(cfg, "key");
      String value = attr(cfg, "value");
      if ("firmware".equals(key) && value != null) {
        firmware = value.toLowerCase(Locale.ROOT).contains("efi") ? "uefi" : "bios";
      } else if ("uefi.secureBoot.enabled".equals(key)) {
        secureBoot = Boolean.parseBoolean(value);
      }
    }
    Map<String, Integer> controllerOrder = new HashMap<>();
    for (int i = 0; i < controllers.size(); i++) {
      controllerOrder.put(text(first(controllers.get(i), "InstanceID")), i);
    }
    diskItems.sort(Comparator.comparingInt((Element e) -> controllerOrder.getOrDefault(text(first(e, "Parent")),
        Integer.MAX_VALUE)).thenComparingInt(e -> parseIntOr(text(first(e, "AddressOnParent")), Integer.MAX_VALUE)));
    List<DiskInfo> disks = new ArrayList<>();
    for (Element item : diskItems) {
      String host = text(first(item, "HostResource"));
      if (host == null) {
        continue;
      }
      String diskId = host.substring(host.lastIndexOf('/') + 1);
      Element disk = diskById.get(diskId);
      if (disk == null) {
        throw new IOException(origin + ": disk item refers to " + host + ", which the DiskSection does not define");
      }
      if (attr(disk, "fileRef") == null || fileHref.get(attr(disk, "fileRef")) == null) {
        throw new IOException(origin + ": disk " + diskId + " has no file in References");
      }
      String label = text(first(item, "ElementName"));
      long capacity = toBytes(parseLong(attr(disk, "capacity")), attr(disk, "capacityAllocationUnits"));
      disks.add(new DiskInfo("disk-" + disks.size(), label, capacity, fileHref.get(attr(disk, "fileRef"))));
    }
    Element os = first(system, "OperatingSystemSection");
    String guestId = os == null ? null : attr(os, "osType");
    String osVersion = os == null ? null : text(first(os, "Description"));
    return new VmInfo(attr(system, "id"), name, null, null, cpu, memMiB, firmware, secureBoot, guestId,
        GuestOs.family(guestId), osVersion, null, disks, nics);
  }

  private static Document parseXml(byte[] xml, String origin) throws IOException {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(null);
      return b.parse(new ByteArrayInputStream(xml));
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("XML parser cannot be configured securely", e);
    } catch (SAXException e) {
      throw new IOException(origin + ": not a valid OVF descriptor: " + e.getMessage());
    }
  }

  private static long toMiB(Long quantity, String units) {
    if (quantity == null) {
      return 0;
    }
    return toBytes(quantity, units == null ? "byte * 2^20" : units) >> 20;
  }

  /** Units like "byte * 2^30" or "MegaBytes"; a bare number is bytes. */
  static long toBytes(Long quantity, String units) {
    if (quantity == null) {
      return 0;
    }
    if (units == null || units.isBlank()) {
      return quantity;
    }
    String u = units.replace(" ", "").toLowerCase(Locale.ROOT);
    int caret = u.indexOf("2^");
    if (caret >= 0) {
      return quantity << Integer.parseInt(u.substring(caret + 2).replaceAll("[^0-9].*", ""));
    }
    if (u.startsWith("kilo") || u.equals("kb")) {
      return quantity << 10;
    }
    if (u.startsWith("mega") || u.equals("mb")) {
      return quantity << 20;
    }
    if (u.startsWith("giga") || u.equals("gb")) {
      return quantity << 30;
    }
    return quantity;
  }

  private static List<Element> all(Element root, String localName) {
    NodeList list = root.getElementsByTagNameNS("*", localName);
    List<Element> out = new ArrayList<>();
    for (int i = 0; i < list.getLength(); i++) {
      out.add((Element) list.item(i));
    }
    return out;
  }

  private static Element first(Element root, String localName) {
    for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && localName.equals(e.getLocalName())) {
        return e;
      }
    }
    return null;
  }

  private static String text(Element e) {
    if (e == null) {
      return null;
    }
    String t = e.getTextContent().strip();
    return t.isEmpty() ? null : t;
  }

  /** An attribute by local name, whatever its prefix. */
  private static String attr(Element e, String localName) {
    var attrs = e.getAttributes();
    for (int i = 0; i < attrs.getLength(); i++) {
      Node a = attrs.item(i);
      String ln = a.getLocalName() != null ? a.getLocalName() : a.getNodeName();
      if (localName.equals(ln)) {
        return a.getNodeValue();
      }
    }
    return null;
  }

  private static Integer parseInt(String s) {
    return s == null ? null : Integer.valueOf(s.strip());
  }

  private static int parseIntOr(String s, int fallback) {
    try {
      return s == null ? fallback : Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static Long parseLong(String s) {
    try {
      return s == null ? null : Long.valueOf(s.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
