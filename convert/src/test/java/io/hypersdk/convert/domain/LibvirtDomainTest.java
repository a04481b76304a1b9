package io.hypersdk.convert.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.convert.ConversionRequest;
import io.hypersdk.convert.ConversionRunner;
import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.Nic;
import io.hypersdk.manifest.Source;
import io.hypersdk.manifest.VmSpec;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import io.hypersdk.testing.Xml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LibvirtDomainTest {
  @TempDir Path dir;

  private static final List<DomainDisk> TWO_DISKS = List.of(new DomainDisk("/var/lib/out/vm.qcow2", "qcow2"),
      new DomainDisk("/var/lib/out/vm-data.qcow2", "qcow2"));

  private static ArtifactManifest manifest(VmSpec vm, List<Nic> nics) {
    return ArtifactManifest.builder()
        .source(new Source("vsphere", "vm-42", "web 01", "DC1", null, null))
        .vm(vm)
        .nics(nics)
        .build();
  }

  private static ArtifactManifest manifest(VmSpec vm) {
    return manifest(vm, List.of(new Nic("nic0", "00:50:56:AA:BB:0C", "VM Network")));
  }

  private static Xml xml(LibvirtDomain d) {
    return Xml.parse(d.xml());
  }

  @Test
  void biosGuestsGetThePcMachineAndNoEfi() {
    Xml x = xml(LibvirtDomain.of("vm", manifest(new VmSpec(4, 8, "bios", false, "linux", null)), TWO_DISKS));
    assertThat(x.value("/domain/@type")).isEqualTo("kvm");
    assertThat(x.value("/domain/os/type/@machine")).isEqualTo("pc");
    assertThat(x.value("/domain/os/type/@arch")).isEqualTo("x86_64");
    assertThat(x.value("/domain/os/type")).isEqualTo("hvm");
    assertThat(x.count("/domain/os/@firmware")).isZero();
    assertThat(x.count("/domain/os/firmware")).isZero();
    assertThat(x.count("/domain/features/smm")).isZero();
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"uefi", "efi", "UEFI"})
  void uefiGuestsGetQ35WithEfiFirmware(String firmware) {
    Xml x = xml(LibvirtDomain.of("vm", manifest(new VmSpec(4, 8, firmware, false, "linux", null)), TWO_DISKS));
    assertThat(x.value("/domain/os/type/@machine")).isEqualTo("q35");
    assertThat(x.value("/domain/os/@firmware")).isEqualTo("efi");
    assertThat(x.value("/domain/os/firmware/feature[@name='secure-boot']/@enabled")).isEqualTo("no");
    assertThat(x.count("/domain/features/smm")).isZero();
  }

  @Test
  void theDevicesFollowWhatTheFixStageFoundInTheGuest() {
    VmSpec linux = new VmSpec(4, 8, "bios", false, "linux", null);
    Xml virtio = xml(LibvirtDomain.of("vm", manifest(linux), TWO_DISKS, DeviceModels.virtio("drivers present")));
    assertThat(virtio.values("/domain/devices/disk/target/@bus")).containsOnly("virtio");
    assertThat(virtio.values("/domain/devices/disk/target/@dev")).containsExactly("vda", "vdb");

    Xml fallback = xml(LibvirtDomain.of("vm", manifest(linux), TWO_DISKS, DeviceModels.fallback("no drivers")));
    assertThat(fallback.values("/domain/devices/disk/target/@bus")).containsOnly("sata");
    assertThat(fallback.values("/domain/devices/disk/target/@dev")).containsExactly("sda", "sdb");
    assertThat(fallback.values("/domain/devices/interface/model/@type")).containsOnly("e1000e");

    Xml netOnly = xml(LibvirtDomain.of("vm", manifest(linux), TWO_DISKS,
        new DeviceModels("virtio", "e1000e", "no virtio_net")));
    assertThat(netOnly.values("/domain/devices/disk/target/@bus")).containsOnly("virtio");
    assertThat(netOnly.values("/domain/devices/interface/model/@type")).containsOnly("e1000e");
  }

  @Test
  void secureBootNeedsSmm() {
    Xml x = xml(LibvirtDomain.of("vm", manifest(new VmSpec(4, 8, "efi", true, "linux", null)), TWO_DISKS));
    assertThat(x.value("/domain/os/@firmware")).isEqualTo("efi");
    assertThat(x.value("/domain/os/firmware/feature[@name='secure-boot']/@enabled")).isEqualTo("yes");
    assertThat(x.value("/domain/features/smm/@state")).isEqualTo("on");
  }

  @Test
  void secureBootOnBiosIsIgnored() {
    Xml x = xml(LibvirtDomain.of("vm", manifest(new VmSpec(4, 8, "bios", true, "linux", null)), TWO_DISKS));
    assertThat(x.value("/domain/os/type/@machine")).isEqualTo("pc");
    assertThat(x.count("/domain/features/smm")).isZero();
  }

  @Test
  void unknownFirmwareBootsWithBiosAndSaysSo() {
    LibvirtDomain d = LibvirtDomain.of("vm", manifest(new VmSpec(4, 8, "unknown", false, "linux", null)), TWO_DISKS);
    assertThat(xml(d).value("/domain/os/type/@machine")).isEqualTo("pc");
    assertThat(d.warnings()).anySatisfy(w -> assertThat(w).contains("vm.firmware is unknown"));
  }

  @Test
  void vcpusAndMemoryComeFromTheManifest() {
    LibvirtDomain d = LibvirtDomain.of("vm", manifest(new VmSpec(6, 12, "bios", false, "linux", null)), TWO_DISKS);
    Xml x = xml(d);
    assertThat(x.value("/domain/vcpu")).isEqualTo("6");
    assertThat(x.value("/domain/memory")).isEqualTo("12");
    assertThat(x.value("/domain/memory/@unit")).isEqualTo("GiB");
    assertThat(x.value("/domain/currentMemory")).isEqualTo("12");
    assertThat(d.warnings()).isEmpty();
  }

  static Stream<Arguments> missingSizes() {
    return Stream.of(
        Arguments.of("no vm section", null),
        Arguments.of("empty vm section", new VmSpec(null, null, null, null, null, null)),
        Arguments.of("memory 0", new VmSpec(null, 0, "bios", null, "linux", null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("missingSizes")
  void missingVcpusAndMemoryDefaultTo2And2GiBWithWarnings(String name, VmSpec vm) {
    LibvirtDomain d = LibvirtDomain.of("vm", manifest(vm), TWO_DISKS);
    Xml x = xml(d);
    assertThat(x.value("/domain/vcpu")).isEqualTo("2");
    assertThat(x.value("/domain/memory")).isEqualTo("2");
    assertThat(x.value("/domain/memory/@unit")).isEqualTo("GiB");
    assertThat(x.value("/domain/os/type/@machine")).isEqualTo("pc");
    assertThat(d.warnings()).anySatisfy(w -> assertThat(w).contains("vm.cpu not given"))
        .anySatisfy(w -> assertThat(w).contains("vm.mem_gb not given"));
  }

  @Test
  void linuxDisksAreVirtioInTheGivenOrderTheFirstBooting() {
    List<DomainDisk> disks = List.of(new DomainDisk("/o/vm.qcow2", "qcow2"), new DomainDisk("/o/vm-b.raw", "raw"),
        new DomainDisk("/o/vm-c.qcow2", "qcow2"));
    Xml x = xml(LibvirtDomain.of("vm", manifest(new VmSpec(2, 2, "bios", false, "linux", null)), disks));
    assertThat(x.values("/domain/devices/disk/source/@file")).containsExactly("/o/vm.qcow2", "/o/vm-b.raw",
        "/o/vm-c.qcow2");
    assertThat(x.values("/domain/devices/disk/driver/@type")).containsExactly("qcow2", "raw", "qcow2");
    assertThat(x.values("/domain/devices/disk/target/@dev")).containsExactly("vda", "vdb", "vdc");
    assertThat(x.values("/domain/devices/disk/target/@bus")).containsExactly("virtio", "virtio", "virtio");
    assertThat(x.values("/domain/devices/disk/boot/@order")).containsExactly("1", "2", "3");
    assertThat(x.value("/domain/devices/interface/model/@type")).isEqualTo("virtio");
    assertThat(x.count("/domain/os/boot")).as("per-device boot order excludes <os><boot>").isZero();
  }

  @Test
  void windowsGuestsGetSataAndE1000eOnPurpose() {
    LibvirtDomain d = LibvirtDomain.of("vm", manifest(new VmSpec(2, 4, "uefi", false, "windows", "2022")),
        TWO_DISKS);
    Xml x = xml(d);
    assertThat(x.values("/domain/devices/disk/target/@bus")).containsExactly("sata", "sata");
    assertThat(x.values("/domain/devices/disk/target/@dev")).containsExactly("sda", "sdb");
    assertThat(x.value("/domain/devices/interface/model/@type")).isEqualTo("e1000e");
    assertThat(x.value("/domain/clock/@offset")).isEqualTo("localtime");
    assertThat(d.warnings()).anySatisfy(w -> assertThat(w).contains("Windows guest"));
  }

  @Test
  void oneInterfacePerNicWithItsMacInLowerCase() {
    ArtifactManifest m = manifest(new VmSpec(2, 2, "bios", false, "linux", null), List.of(
        new Nic("nic0", "00:50:56:AA:BB:0C", "VM Network"),
        new Nic("nic1", "00:50:56:Ab:cD:eF", "Backup"),
        new Nic("nic2", null, "Storage")));
    Xml x = xml(LibvirtDomain.of("vm", m, TWO_DISKS));
    assertThat(x.count("/domain/devices/interface")).isEqualTo(3);
    assertThat(x.values("/domain/devices/interface/mac/@address"))
        .containsExactly("00:50:56:aa:bb:0c", "00:50:56:ab:cd:ef");
    assertThat(x.count("/domain/devices/interface[3]/mac")).isZero();
    assertThat(x.values("/domain/devices/interface/source/@network")).containsOnly("default");
    assertThat(x.value("/domain/description")).contains("Source networks: VM Network, Backup, Storage");
  }

  @Test
  void noNicsNoInterfaces() {
    Xml x = xml(LibvirtDomain.of("vm", manifest(new VmSpec(2, 2, "bios", false, "linux", null), List.of()), TWO_DISKS));
    assertThat(x.count("/domain/devices/interface")).isZero();
  }

  @Test
  void namesAndPathsAreEscaped() {
    ArtifactManifest m = ArtifactManifest.builder()
        .source(new Source("vsphere", "vm-<1>", "R&D 'lab' <db>", "DC1", null, null))
        .vm(new VmSpec(2, 2, "bios", false, "linux", null)).build();
    Xml x = xml(LibvirtDomain.of("R_D", m, List.of(new DomainDisk("/o/it's & <here>.qcow2", "qcow2"))));
    assertThat(x.value("/domain/title")).isEqualTo("R&D 'lab' <db>");
    assertThat(x.value("/domain/devices/disk/source/@file")).isEqualTo("/o/it's & <here>.qcow2");
    assertThat(x.value("/domain/description")).contains("VM vm-<1>");
  }

  @Test
  void driveLettersGoOnPastZ() {
    assertThat(LibvirtDomain.driveLetters(0)).isEqualTo("a");
    assertThat(LibvirtDomain.driveLetters(25)).isEqualTo("z");
    assertThat(LibvirtDomain.driveLetters(26)).isEqualTo("aa");
    assertThat(LibvirtDomain.driveLetters(27)).isEqualTo("ab");
    assertThat(LibvirtDomain.driveLetters(701)).isEqualTo("zz");
    assertThat(LibvirtDomain.driveLetters(702)).isEqualTo("aaa");
  }

  // ---- libvirt accepts what we write ----

  static Stream<Arguments> guests() {
    return Stream.of(
        Arguments.of("linux-bios", new VmSpec(4, 8, "bios", false, "linux", null)),
        Arguments.of("linux-uefi", new VmSpec(2, 4, "uefi", false, "linux", null)),
        Arguments.of("linux-efi-secureboot", new VmSpec(2, 4, "efi", true, "linux", null)),
        Arguments.of("windows-bios", new VmSpec(2, 4, "bios", false, "windows", null)),
        Arguments.of("windows-uefi", new VmSpec(2, 4, "uefi", true, "windows", null)),
        Arguments.of("defaults", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("guests")
  void libvirtValidatesAndDefinesTheDomain(String name, VmSpec vm) throws Exception {
    Path xmlFile = dir.resolve(name + ".xml");
    Files.writeString(xmlFile, LibvirtDomain.of(name, manifest(vm), TWO_DISKS).xml());

    assertLibvirtAccepts(xmlFile, name);
  }

  @Test
  void theDomainOfARealConversionIsDefinedByLibvirt() throws Exception {
    Path raw = TestDisks.raw(dir, "boot", 8, 21);
    Path data = TestDisks.raw(dir, "data", 4, 22);
    ArtifactManifest m = TestDisks.manifest("Ubuntu Server", "job-x", List.of(
        TestDisks.disk("boot", TestDisks.vmdkSparse(raw), "vmdk", 0), TestDisks.disk("data", data, "raw", 1)));
    Path out = dir.resolve("out");
    new ConversionRunner(QemuImg.locate()).run(ConversionRequest.builder(m, "job-x", "Ubuntu_Server", out).build());

    String dumped = assertLibvirtAccepts(out.resolve("Ubuntu_Server.xml"), "Ubuntu_Server");

    Xml x = Xml.parse(dumped);
    assertThat(x.values("/domain/devices/disk/source/@file")).containsExactly(
        out.resolve("Ubuntu_Server.qcow2").toString(), out.resolve("Ubuntu_Server-data.qcow2").toString());
    assertThat(x.value("/domain/vcpu")).isEqualTo("2");
    assertThat(x.value("/domain/devices/interface/mac/@address")).isEqualTo("00:50:56:aa:bb:01");
  }

  /** virt-xml-validate and {@code virsh define} on libvirt's test driver; returns what virsh dumps back. */
  private static String assertLibvirtAccepts(Path xmlFile, String name) {
    Tools.require("xmllint", "libxml2-utils");
    Tools.require("virt-xml-validate", "libvirt-clients");
    Tools.require("virsh", "libvirt-clients");

    Tools.Outcome valid = Tools.exec(List.of("virt-xml-validate", xmlFile.toString(), "domain"));
    assertThat(valid.exitCode()).as("virt-xml-validate: %s", valid.output()).isZero();
    assertThat(valid.output()).contains("validates");

    Tools.Outcome virsh = Tools.exec(List.of("virsh", "-c", "test:///default",
        "define " + xmlFile + "; dumpxml " + name));
    assertThat(virsh.exitCode()).as("virsh: %s", virsh.output()).isZero();
    assertThat(virsh.output()).contains("Domain '" + name + "' defined from " + xmlFile);
    String dumped = virsh.output().substring(virsh.output().indexOf("<domain"));
    Xml x = Xml.parse(dumped);
    assertThat(x.value("/domain/name")).isEqualTo(name);
    assertThat(x.value("/domain/uuid")).isNotEmpty();
    Xml ours = Xml.parse(readString(xmlFile));
    assertThat(x.value("/domain/os/type/@machine")).isEqualTo(ours.value("/domain/os/type/@machine"));
    assertThat(x.value("/domain/vcpu")).isEqualTo(ours.value("/domain/vcpu"));
    assertThat(Long.parseLong(x.value("/domain/memory"))).as("KiB")
        .isEqualTo(Long.parseLong(ours.value("/domain/memory")) * 1024 * 1024);
    assertThat(x.values("/domain/devices/disk/target/@dev"))
        .isEqualTo(ours.values("/domain/devices/disk/target/@dev"));
    assertThat(x.values("/domain/devices/disk/boot/@order")).isEqualTo(ours.values("/domain/devices/disk/boot/@order"));
    assertThat(x.values("/domain/devices/interface/mac/@address"))
        .isEqualTo(ours.values("/domain/devices/interface/mac/@address"));
    return dumped;
  }

  private static String readString(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
