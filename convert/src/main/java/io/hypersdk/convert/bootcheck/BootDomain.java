package io.hypersdk.convert.bootcheck;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The parts of a libvirt domain that decide whether a guest boots: machine, firmware, memory, CPUs, each
 * disk's bus and controller, each NIC's model and MAC. Read from the XML rather than from the manifest, so
 * that any converter's output (ours, virt-v2v's) is booted the same way.
 *
 * @param machine {@code pc} (i440fx) or {@code q35}
 * @param kernel a kernel booted directly ({@code <os><kernel>}), or null to boot from the disks
 */
public record BootDomain(String name, String machine, boolean uefi, boolean secureBoot, long memoryMib,
    int vcpus, List<Disk> disks, List<Nic> nics, Path kernel, Path initrd, String cmdline) {

  /** A disk: image, format (null: probe it), bus, the SCSI controller's libvirt model, and its boot order. */
  public record Disk(Path path, String format, String bus, String controllerModel, int controller, Integer bootOrder) {}

  /** A NIC: libvirt model name (null: the machine's default) and MAC. */
  public record Nic(String model, String mac) {}

  public BootDomain {
    disks = List.copyOf(disks);
    nics = List.copyOf(nics);
  }

  /** Parses {@code xml}; relative disk paths are taken relative to the XML's folder, as virt-v2v writes them. */
  public static BootDomain parse(Path xml) throws ConversionException {
    Document doc;
    try (InputStream in = Files.newInputStream(xml)) {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      javax.xml.parsers.DocumentBuilder b = f.newDocumentBuilder();
      // Without this the parser also prints each error on stderr, a second line after ours.
      b.setErrorHandler(null);
      doc = b.parse(in);
    } catch (IOException e) {
      throw new ConversionException(Kind.CONVERSION, "cannot read the domain XML " + xml + ": " + e.getMessage());
    } catch (SAXException | ParserConfigurationException e) {
      throw new ConversionException(Kind.CONVERSION, "the domain XML " + xml + " is not valid XML: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    Element root = doc.getDocumentElement();
    if (!"domain".equals(root.getTagName())) {
      throw new ConversionException(Kind.CONVERSION, xml + " is not a libvirt domain (its root element is <"
          + root.getTagName() + ">, not <domain>)");
    }
    Path base = xml.toAbsolutePath().getParent();
    Element os = child(root, "os");
    Element type = os == null ? null : child(os, "type");
    String machineAttr = type == null ? "" : type.getAttribute("machine");
    String machine = machineAttr.contains("q35") ? "q35" : "pc";
    Element loaderEl = os == null ? null : child(os, "loader");
    boolean uefi = os != null && ("efi".equals(os.getAttribute("firmware")) || loaderEl != null
        && ("pflash".equals(loaderEl.getAttribute("type")) || text(loaderEl).toUpperCase(Locale.ROOT).contains("OVMF")));
    boolean secureBoot = loaderEl != null && "yes".equals(loaderEl.getAttribute("secure"));
    Element fw = os == null ? null : child(os, "firmware");
    if (fw != null) {
      for (Element feature : children(fw, "feature")) {
        if ("secure-boot".equals(feature.getAttribute("name")) && "yes".equals(feature.getAttribute("enabled"))) {
          secureBoot = true;
        }
      }
    }
    long memoryMib = memoryMib(child(root, "memory"), xml);
    int vcpus = 1;
    Element vcpu = child(root, "vcpu");
    if (vcpu != null) {
      try {
        vcpus = Integer.parseInt(text(vcpu));
      } catch (NumberFormatException e) {
        throw new ConversionException(Kind.CONVERSION, "the domain XML " + xml + " has <vcpu>" + text(vcpu)
            + "</vcpu>, not a number");
      }
    }
    Element devices = child(root, "devices");
    Map<Integer, String> scsiModels = new HashMap<>();
    List<Disk> disks = new ArrayList<>();
    List<Nic> nics = new ArrayList<>();
    if (devices != null) {
      for (Element c : children(devices, "controller")) {
        if ("scsi".equals(c.getAttribute("type"))) {
          scsiModels.put(intAttr(c, "index", 0), c.getAttribute("model").isEmpty() ? null : c.getAttribute("model"));
        }
      }
      for (Element d : children(devices, "disk")) {
        String device = d.getAttribute("device");
        if (!device.isEmpty() && !"disk".equals(device)) {
          continue;
        }
        disks.add(disk(d, base, scsiModels, xml));
      }
      for (Element i : children(devices, "interface")) {
        Element model = child(i, "model");
        Element mac = child(i, "mac");
        nics.add(new Nic(model == null ? null : model.getAttribute("type"),
            mac == null ? null : mac.getAttribute("address").toLowerCase(Locale.ROOT)));
      }
    }
    Element nameEl = child(root, "name");
    return new BootDomain(nameEl == null ? xml.getFileName().toString() : text(nameEl), machine, uefi, secureBoot,
        memoryMib, vcpus, disks, nics, osPath(os, "kernel", base), osPath(os, "initrd", base),
        os == null || child(os, "cmdline") == null ? null : text(child(os, "cmdline")));
  }

  private static Disk disk(Element d, Path base, Map<Integer, String> scsiModels, Path xml)
      throws ConversionException {
    Element source = child(d, "source");
    String file = source == null ? "" : !source.getAttribute("file").isEmpty() ? source.getAttribute("file")
        : source.getAttribute("dev");
    if (file.isEmpty()) {
      throw new ConversionException(Kind.CONVERSION, "the domain XML " + xml + " has a disk without a file or "
          + "device source; the boot check boots local disks only");
    }
    Element driver = child(d, "driver");
    String format = driver == null || driver.getAttribute("type").isEmpty() ? null : driver.getAttribute("type");
    Element target = child(d, "target");
    String bus = target == null ? "" : target.getAttribute("bus");
    if (bus.isEmpty()) {
      String dev = target == null ? "" : target.getAttribute("dev");
      bus = dev.startsWith("vd") ? "virtio" : dev.startsWith("hd") ? "ide" : dev.startsWith("sd") ? "scsi" : "";
    }
    Element address = child(d, "address");
    int controller = address == null ? 0 : intAttr(address, "controller", 0);
    Element boot = child(d, "boot");
    Integer order = boot == null ? null : intAttr(boot, "order", 0);
    return new Disk(base.resolve(file), format, bus, "scsi".equals(bus) ? scsiModels.get(controller) : null,
        controller, order);
  }

  private static long memoryMib(Element memory, Path xml) throws ConversionException {
    if (memory == null) {
      return 1024;
    }
    String unit = memory.getAttribute("unit").isEmpty() ? "KiB" : memory.getAttribute("unit");
    long bytesPerUnit = switch (unit) {
      case "b", "bytes" -> 1;
      case "KB" -> 1000L;
      case "k", "KiB" -> 1L << 10;
      case "MB" -> 1000L * 1000;
      case "M", "MiB" -> 1L << 20;
      case "GB" -> 1000L * 1000 * 1000;
      case "G", "GiB" -> 1L << 30;
      case "TB" -> 1000L * 1000 * 1000 * 1000;
      case "T", "TiB" -> 1L << 40;
      default -> throw new ConversionException(Kind.CONVERSION, "the domain XML " + xml + " gives memory in '"
          + unit + "', which is not a libvirt unit");
    };
    try {
      return Math.max(64, Long.parseLong(text(memory)) * bytesPerUnit >> 20);
    } catch (NumberFormatException e) {
      throw new ConversionException(Kind.CONVERSION, "the domain XML " + xml + " has <memory>" + text(memory)
          + "</memory>, not a number");
    }
  }

  private static Path osPath(Element os, String tag, Path base) {
    Element e = os == null ? null : child(os, tag);
    return e == null || text(e).isEmpty() ? null : base.resolve(text(e));
  }

  private static int intAttr(Element e, String name, int dflt) {
    String v = e.getAttribute(name);
    try {
      return v.isEmpty() ? dflt : Integer.decode(v);
    } catch (NumberFormatException ex) {
      return dflt;
    }
  }

  private static String text(Element e) {
    return e.getTextContent().strip();
  }

  private static Element child(Element parent, String tag) {
    List<Element> all = children(parent, tag);
    return all.isEmpty() ? null : all.get(0);
  }

  private static List<Element> children(Element parent, String tag) {
    List<Element> out = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      Node n = nodes.item(i);
      if (n instanceof Element e && tag.equals(e.getTagName())) {
        out.add(e);
      }
    }
    return out;
  }
}
