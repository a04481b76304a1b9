package io.hypersdk.providers.ovf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.io.Sha256;
import io.hypersdk.providers.DiskInfo;
import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportedDisk;
import io.hypersdk.providers.NicInfo;
import io.hypersdk.providers.VmInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What OvfWriter writes, OvfDescriptor reads back; and the OVA OvfPackage packs is in the order OVAs need. */
class OvfRoundTripTest {
  @TempDir
  Path dir;

  private static VmInfo vm(String firmware) {
    return new VmInfo("vm-42", "Web & DB <01>", null, null, 4, 6144L, firmware, null, "rhel8_64Guest", "linux",
        "Red Hat Enterprise Linux 8", null,
        List.of(new DiskInfo("disk-0", "Hard disk 1", 16L << 30, "web-disk1.vmdk"),
            new DiskInfo("disk-1", "Hard disk 2", 8L << 30, "web-disk2.vmdk")),
        List.of(new NicInfo("nic0", "00:50:56:aa:bb:01", "VM Network"), new NicInfo("nic1", "00:50:56:aa:bb:02",
            "Backup")));
  }

  private List<ExportedDisk> disks() throws IOException {
    List<ExportedDisk> out = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Path f = Files.writeString(dir.resolve("web-disk" + (i + 1) + ".vmdk"), "disk " + i + " data");
      out.add(new ExportedDisk("disk-" + i, f.toString(), "vmdk", Files.size(f), Sha256.ofFile(f), i,
          "Hard disk " + (i + 1)));
    }
    return out;
  }

  @Test
  void theDescriptorReadsBackAsWritten() throws Exception {
    String xml = OvfWriter.descriptor(vm("uefi"), disks());
    VmInfo back = OvfDescriptor.parse(xml.getBytes(StandardCharsets.UTF_8), "test.ovf");

    assertThat(back.name()).isEqualTo("Web & DB <01>");
    assertThat(back.cpu()).isEqualTo(4);
    assertThat(back.memoryMiB()).isEqualTo(6144L);
    assertThat(back.memGb()).isEqualTo(6);
    assertThat(back.firmware()).isEqualTo("uefi");
    assertThat(back.osHint()).isEqualTo("linux");
    assertThat(back.osVersion()).isEqualTo("Red Hat Enterprise Linux 8");
    assertThat(back.disks()).extracting(DiskInfo::file).containsExactly("web-disk1.vmdk", "web-disk2.vmdk");
    assertThat(back.disks()).extracting(DiskInfo::capacityBytes).containsExactly(16L << 30, 8L << 30);
    assertThat(back.disks()).extracting(DiskInfo::label).containsExactly("Hard disk 1", "Hard disk 2");
    assertThat(back.nics()).extracting(NicInfo::mac).containsExactly("00:50:56:aa:bb:01", "00:50:56:aa:bb:02");
    assertThat(back.nics()).extracting(NicInfo::network).containsExactly("VM Network", "Backup");
    assertThat(OvfDescriptor.parse(OvfWriter.descriptor(vm("bios"), disks()).getBytes(StandardCharsets.UTF_8),
        "bios.ovf").firmware()).isEqualTo("bios");
  }

  @Test
  void anOvaHasTheDescriptorFirstThenTheDisksThenTheManifest() throws Exception {
    List<ExportedDisk> disks = disks();
    OvfPackage.Written w = OvfPackage.write(dir, "web", vm("bios"), disks, ExportFormat.OVA);

    assertThat(w.archive()).isEqualTo(dir.resolve("web.ova"));
    List<String> names = new ArrayList<>();
    try (InputStream in = Files.newInputStream(w.archive())) {
      Tar.Reader r = new Tar.Reader(in);
      for (Tar.Entry e; (e = r.next()) != null; ) {
        names.add(e.name());
        byte[] content = r.content().readAllBytes();
        assertThat(content).isEqualTo(Files.readAllBytes(dir.resolve(e.name())));
      }
    }
    assertThat(names).containsExactly("web.ovf", "web-disk1.vmdk", "web-disk2.vmdk", "web.mf");
    String mf = Files.readString(w.manifest());
    assertThat(mf.lines()).containsExactly(
        "SHA256(web.ovf)= " + Sha256.ofFile(w.descriptor()).substring(7),
        "SHA256(web-disk1.vmdk)= " + disks.get(0).sha256().substring(7),
        "SHA256(web-disk2.vmdk)= " + disks.get(1).sha256().substring(7));
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void theOvfFormatWritesNoArchive() throws Exception {
    OvfPackage.Written w = OvfPackage.write(dir, "web", vm("bios"), disks(), ExportFormat.OVF);
    assertThat(w.archive()).isNull();
    assertThat(dir.resolve("web.ova")).doesNotExist();
    assertThat(w.descriptor()).isRegularFile();
  }

  @Test
  void aDiskItemWithoutItsDiskIsAnError() {
    String xml = "<Envelope xmlns='http://schemas.dmtf.org/ovf/envelope/1'><References/><DiskSection/>"
        + "<VirtualSystem id='x'><VirtualHardwareSection><Item><ResourceType xmlns='urn:r'>17</ResourceType>"
        + "<HostResource xmlns='urn:r'>ovf:/disk/vmdisk9</HostResource></Item></VirtualHardwareSection>"
        + "</VirtualSystem></Envelope>";
    assertThatThrownBy(() -> OvfDescriptor.parse(xml.getBytes(StandardCharsets.UTF_8), "bad.ovf"))
        .isInstanceOf(IOException.class).hasMessageContaining("vmdisk9");
  }

  @Test
  void doctypesAreRefused() {
    String xml = "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><Envelope>&e;</Envelope>";
    assertThatThrownBy(() -> OvfDescriptor.parse(xml.getBytes(StandardCharsets.UTF_8), "evil.ovf"))
        .isInstanceOf(IOException.class).hasMessageContaining("evil.ovf");
  }
}
