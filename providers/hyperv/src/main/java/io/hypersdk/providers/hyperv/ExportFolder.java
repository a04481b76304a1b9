package io.hypersdk.providers.hyperv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypersdk.providers.DiskInfo;
import io.hypersdk.providers.NicInfo;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import io.hypersdk.providers.VmInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * A folder Export-VM wrote: {@code Virtual Machines/GUID.xml} (Windows Server 2012 R2) or {@code GUID.vmcx}
 * (2016+, binary and undocumented, so its facts come from the sidecar {@value #SIDECAR} a PowerShell one-liner
 * writes, see docs/CONFIGURATION.md), {@code Virtual Hard Disks/} and {@code Snapshots/}.
 */
record ExportFolder(Path folder, VmInfo vm, List<Path> diskFiles) {
  static final String SIDECAR = "hypersdk-vm.json";
  /** The 2012 R2 configuration's element for the emulated IDE controllers; the others are SCSI. */
  private static final String IDE = "_83f8638b-8dca-4152-9eda-2ca8b33039b4_";

  /** Whether {@code dir} looks like an Export-VM folder. */
  static boolean isExport(Path dir) {
    return Files.isDirectory(dir.resolve("Virtual Machines"));
  }

  static ExportFolder read(Path folder) throws ProviderException {
    Path dir = folder.toAbsolutePath().normalize();
    if (!isExport(dir)) {
      throw invalid(dir + " is not a folder Export-VM wrote: it has no 'Virtual Machines' folder");
    }
    Path sidecar = dir.resolve(SIDECAR);
    if (Files.isRegularFile(sidecar)) {
      return fromSidecar(dir, sidecar);
    }
    List<Path> xml = list(dir.resolve("Virtual Machines"), ".xml");
    if (xml.size() == 1) {
      return fromXml(dir, xml.get(0));
    }
    if (xml.size() > 1) {
      throw invalid(dir + " holds " + xml.size() + " VM configurations in 'Virtual Machines': export one VM per "
          + "folder");
    }
    if (!list(dir.resolve("Virtual Machines"), ".vmcx").isEmpty()) {
      throw invalid(dir + " holds a .vmcx configuration, which only Hyper-V can read: write " + SIDECAR + " beside "
          + "it with the PowerShell line in docs/CONFIGURATION.md (Hyper-V export folders), then run again");
    }
    throw invalid(dir + " has no VM configuration (.xml or .vmcx) in 'Virtual Machines'");
  }

  /** The 2012 R2 XML: properties/name, subtype (1 = Generation 2), processors, memory bank, drives, NICs. */
  private static ExportFolder fromXml(Path dir, Path xml) throws ProviderException {
    Element root = parse(xml).getDocumentElement();
    String name = text(root, "properties", "name");
    String id = text(root, "properties", "global_id");
    int generation = "1".equals(text(root, "properties", "subtype")) ? 2 : 1;
    Integer cpu = integer(text(root, "settings", "processors", "count"));
    Integer memMb = integer(text(root, "settings", "memory", "bank", "size"));
    String secure = firstText(root, "secure_boot_enabled");
    List<String> ide = new ArrayList<>();
    List<String> scsi = new ArrayList<>();
    NodeList drives = root.getElementsByTagName("pathname");
    for (int i = 0; i < drives.getLength(); i++) {
      Element p = (Element) drives.item(i);
      Element drive = (Element) p.getParentNode();
      String type = childText(drive, "type");
      if (!drive.getTagName().startsWith("drive") || !"VHD".equalsIgnoreCase(type) || p.getTextContent().isBlank()) {
        continue;
      }
      (insideIde(drive) ? ide : scsi).add(p.getTextContent().strip());
    }
    List<String> paths = new ArrayList<>(ide);
    paths.addAll(scsi);
    List<NicInfo> nics = new ArrayList<>();
    NodeList addresses = root.getElementsByTagName("address");
    for (int i = 0; i < addresses.getLength(); i++) {
      String mac = HostVm.mac(addresses.item(i).getTextContent().strip());
      if (addresses.item(i).getTextContent().strip().matches("[0-9A-Fa-f]{12}") && mac != null) {
        nics.add(new NicInfo("nic" + nics.size(), mac, null));
      }
    }
    return build(dir, id, name, cpu, memMb == null ? null : memMb.longValue(), generation,
        "true".equalsIgnoreCase(secure), paths, nics);
  }

  /** The sidecar: the JSON of Get-VM, Get-VMFirmware, Get-VMHardDiskDrive and Get-VMNetworkAdapter. */
  private static ExportFolder fromSidecar(Path dir, Path sidecar) throws ProviderException {
    JsonNode n;
    try {
      n = new ObjectMapper().readTree(Files.readString(sidecar, StandardCharsets.UTF_8).replace("\uFEFF", ""));
    } catch (IOException e) {
      throw invalid("cannot read " + sidecar + ": " + SshHost.firstLine(e.getMessage()));
    }
    List<String> paths = new ArrayList<>();
    n.path("Disks").forEach(d -> paths.add(d.asText()));
    List<NicInfo> nics = new ArrayList<>();
    n.path("MacAddresses").forEach(m -> nics.add(new NicInfo("nic" + nics.size(), HostVm.mac(m.asText()), null)));
    long mem = n.path("MemoryStartup").asLong();
    return build(dir, null, n.path("Name").asText(null), n.hasNonNull("ProcessorCount")
        ? n.path("ProcessorCount").asInt() : null, mem > 0 ? mem / (1024 * 1024) : null,
        n.path("Generation").asInt(1), "On".equalsIgnoreCase(n.path("SecureBoot").asText()), paths, nics);
  }

  /**
   * Finds each disk, by its file name, in 'Virtual Hard Disks'. A checkpoint's differencing disk is refused:
   * qemu cannot read it, and only Hyper-V can merge it.
   */
  private static ExportFolder build(Path dir, String id, String name, Integer cpu, Long memoryMiB, int generation,
      boolean secureBoot, List<String> hostPaths, List<NicInfo> nics) throws ProviderException {
    if (hostPaths.isEmpty()) {
      throw invalid("the VM in " + dir + " has no virtual hard disk");
    }
    List<Path> files = new ArrayList<>();
    List<DiskInfo> disks = new ArrayList<>();
    List<String> names = hostPaths.stream()
        .map(p -> p.substring(Math.max(p.lastIndexOf('\\'), p.lastIndexOf('/')) + 1)).toList();
    for (String fileName : names) {
      if (fileName.toLowerCase(Locale.ROOT).endsWith(".avhdx") || fileName.toLowerCase(Locale.ROOT).endsWith(".avhd")) {
        throw invalid("disk " + fileName + " in " + dir + " is a checkpoint's differencing disk, which qemu cannot "
            + "read: delete the VM's checkpoints on the host before Export-VM, or use --provider hyperv, which "
            + "merges them on the host");
      }
    }
    for (String fileName : names) {
      Path f = dir.resolve("Virtual Hard Disks").resolve(fileName);
      if (!Files.isRegularFile(f)) {
        throw invalid("disk " + fileName + " of the VM is not in " + dir.resolve("Virtual Hard Disks"));
      }
      long size = 0;
      try {
        size = Files.size(f);
      } catch (IOException ignored) {
        // Only shown in listings.
      }
      files.add(f);
      disks.add(new DiskInfo("disk" + disks.size(), fileName, size, f.toString()));
    }
    String vmName = name == null || name.isBlank() ? dir.getFileName().toString() : name;
    boolean uefi = generation == 2;
    VmInfo vm = new VmInfo(id == null ? vmName : id, vmName, dir.toString(), null, cpu, memoryMiB,
        uefi ? "uefi" : "bios", uefi && secureBoot, null, "unknown", null, "exported", disks, nics);
    return new ExportFolder(dir, vm, files);
  }

  private static boolean insideIde(Node n) {
    for (Node p = n; p != null; p = p.getParentNode()) {
      if (p instanceof Element e && e.getTagName().equalsIgnoreCase(IDE)) {
        return true;
      }
    }
    return false;
  }

  private static List<Path> list(Path dir, String suffix) throws ProviderException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw invalid("cannot list " + dir + ": " + e.getMessage());
    }
  }

  private static Document parse(Path xml) throws ProviderException {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return f.newDocumentBuilder().parse(xml.toFile());
    } catch (ParserConfigurationException | SAXException | IOException e) {
      throw invalid("cannot read the VM configuration " + xml + ": " + SshHost.firstLine(e.getMessage()));
    }
  }

  private static String text(Element root, String... path) {
    Element e = root;
    for (String p : path) {
      e = child(e, p);
      if (e == null) {
        return null;
      }
    }
    return e.getTextContent().strip();
  }

  private static String childText(Element e, String name) {
    Element c = child(e, name);
    return c == null ? null : c.getTextContent().strip();
  }

  private static Element child(Element e, String name) {
    for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
      if (c instanceof Element ce && ce.getTagName().equals(name)) {
        return ce;
      }
    }
    return null;
  }

  private static String firstText(Element root, String tag) {
    NodeList l = root.getElementsByTagName(tag);
    return l.getLength() == 0 ? null : l.item(0).getTextContent().strip();
  }

  private static Integer integer(String s) {
    try {
      return s == null ? null : Integer.valueOf(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static ProviderException invalid(String message) {
    return new ProviderException(Kind.INVALID_REQUEST, message);
  }
}
