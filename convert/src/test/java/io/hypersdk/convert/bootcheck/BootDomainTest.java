package io.hypersdk.convert.bootcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.accel.Accel;
import io.hypersdk.convert.domain.DomainDisk;
import io.hypersdk.convert.domain.LibvirtDomain;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.ManifestIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootDomainTest {
  @TempDir Path dir;

  @Test
  void readsTheDomainThatVirtV2vWritesWithRelativeDisksAndKiB() throws Exception {
    Path xml = dir.resolve("guest.xml");
    Files.writeString(xml, """
        <domain type='kvm'>
          <name>guest</name>
          <memory unit='KiB'>2097152</memory>
          <vcpu>2</vcpu>
          <os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
            <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader></os>
          <devices>
            <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='guest-sda'/>
              <target dev='vda' bus='virtio'/></disk>
            <disk type='file' device='cdrom'><target dev='hdc' bus='ide'/></disk>
            <interface type='network'><source network='default'/><model type='virtio'/>
              <mac address='00:50:56:AB:CD:EF'/></interface>
          </devices>
        </domain>
        """);
    BootDomain d = BootDomain.parse(xml);
    assertThat(d.machine()).isEqualTo("q35");
    assertThat(d.uefi()).isTrue();
    assertThat(d.secureBoot()).isFalse();
    assertThat(d.memoryMib()).isEqualTo(2048);
    assertThat(d.vcpus()).isEqualTo(2);
    assertThat(d.disks()).containsExactly(new BootDomain.Disk(dir.resolve("guest-sda"), "qcow2", "virtio", null, 0, null));
    assertThat(d.nics()).containsExactly(new BootDomain.Nic("virtio", "00:50:56:ab:cd:ef"));
  }

  @Test
  void readsTheDomainWeWriteForAUefiGuest() throws Exception {
    ArtifactManifest m = ManifestIO.parse("""
        {"manifest_version": "1.0", "source": {"provider": "local", "vm_name": "web"},
         "vm": {"cpu": 4, "mem_gb": 3, "firmware": "uefi", "secureboot": true, "os_hint": "linux"},
         "disks": [{"id": "d0", "source_format": "vmdk", "bytes": 1, "local_path": "/x/d0.vmdk", "boot_order_hint": 0}],
         "nics": [{"mac": "00:50:56:01:02:03", "network": "VM Network"}]}
        """.getBytes(java.nio.charset.StandardCharsets.UTF_8), false, "test");
    Path xml = dir.resolve("web.xml");
    Files.writeString(xml, LibvirtDomain.of("web", m, List.of(new DomainDisk("/out/web.qcow2", "qcow2"))).xml());
    BootDomain d = BootDomain.parse(xml);
    assertThat(d.machine()).isEqualTo("q35");
    assertThat(d.uefi()).isTrue();
    assertThat(d.secureBoot()).isTrue();
    assertThat(d.memoryMib()).isEqualTo(3072);
    assertThat(d.vcpus()).isEqualTo(4);
    assertThat(d.disks()).containsExactly(new BootDomain.Disk(Path.of("/out/web.qcow2"), "qcow2", "virtio", null, 0, 1));
    assertThat(d.nics()).containsExactly(new BootDomain.Nic("virtio", "00:50:56:01:02:03"));
  }

  @Test
  void vmwareHardwareBecomesPvscsiAndVmxnet3OnTheQemuCommandLine() throws Exception {
    Path xml = dir.resolve("vmware.xml");
    Files.writeString(xml, """
        <domain type='kvm'><name>vm</name><memory unit='GiB'>1</memory><vcpu>1</vcpu>
          <os><type arch='x86_64' machine='pc'>hvm</type></os>
          <devices>
            <controller type='scsi' index='0' model='vmpvscsi'/>
            <disk type='file' device='disk'><driver type='vmdk'/><source file='/d/a.vmdk'/>
              <target dev='sda' bus='scsi'/><address type='drive' controller='0' unit='0'/><boot order='2'/></disk>
            <disk type='file' device='disk'><driver type='vmdk'/><source file='/d/b.vmdk'/>
              <target dev='sdb' bus='scsi'/><boot order='1'/></disk>
            <interface type='bridge'><mac address='00:50:56:00:00:01'/><model type='vmxnet3'/></interface>
          </devices></domain>
        """);
    BootDomain d = BootDomain.parse(xml);
    assertThat(d.disks()).extracting(BootDomain.Disk::controllerModel).containsExactly("vmpvscsi", "vmpvscsi");
    Path work = dir.resolve("w");
    List<String> args = new QemuCommand(Path.of("/usr/bin/qemu-system-x86_64"), d, Accel.TCG,
        List.of(work.resolve("disk0.qcow2"), work.resolve("disk1.qcow2")), null, null, work).args();
    String line = String.join(" ", args);
    assertThat(line).contains("-machine pc,graphics=off", "-accel tcg -cpu max", "-m 1024", "-no-reboot",
        "-serial stdio", "-device pvscsi,id=scsi0",
        "-device scsi-hd,drive=disk0,bus=scsi0.0,bootindex=2", "-device scsi-hd,drive=disk1,bus=scsi0.0,bootindex=1",
        "-netdev user,id=net0,restrict=on", "-device vmxnet3,netdev=net0,mac=00:50:56:00:00:01,romfile=",
        "-object filter-dump,id=dump0,netdev=net0,file=" + work.resolve("nic0.pcap"));
    assertThat(line).doesNotContain("pflash").doesNotContain("/d/a.vmdk");
    assertThat(args.stream().filter(a -> a.equals("pvscsi,id=scsi0"))).hasSize(1);
  }

  @Test
  void uefiSataAndIdeDisks() throws Exception {
    BootDomain d = new BootDomain("w", "q35", true, false, 512, 1,
        List.of(new BootDomain.Disk(Path.of("/a"), "raw", "sata", null, 0, null),
            new BootDomain.Disk(Path.of("/b"), "raw", "ide", null, 0, null)),
        List.of(new BootDomain.Nic(null, null)), null, null, null);
    Path w = Path.of("/w,1");
    String line = String.join(" ", new QemuCommand(Path.of("qemu"), d, Accel.KVM, List.of(w.resolve("disk0.qcow2"),
        w.resolve("disk1.qcow2")), Path.of("/ovmf/CODE.fd"), w.resolve("VARS.fd"), w).args());
    assertThat(line).contains("-accel kvm -m", "if=pflash,format=raw,unit=0,readonly=on,file=/ovmf/CODE.fd",
        "if=pflash,format=raw,unit=1,file=/w,,1/VARS.fd", "file=/w,,1/disk0.qcow2,format=qcow2",
        "-device ich9-ahci,id=ahci", "ide-hd,drive=disk0,bus=ahci.0,bootindex=1",
        "ide-hd,drive=disk1,bus=ide.0,bootindex=2", "-device e1000e,netdev=net0,mac=52:54:00:b0:07:00,romfile=");
  }

  @Test
  void unknownHardwareAndBadXmlAreOneLine() throws Exception {
    BootDomain usb = new BootDomain("u", "pc", false, false, 512, 1,
        List.of(new BootDomain.Disk(Path.of("/a"), "raw", "usb", null, 0, null)), List.of(), null, null, null);
    assertThatThrownBy(() -> new QemuCommand(Path.of("q"), usb, Accel.TCG, List.of(Path.of("/o")), null, null,
        Path.of("/w")).args()).isInstanceOf(ConversionException.class)
        .hasMessage("the boot check cannot attach a disk on bus 'usb' (/a); it knows virtio, scsi, sata and ide");
    BootDomain nic = new BootDomain("n", "pc", false, false, 512, 1, List.of(),
        List.of(new BootDomain.Nic("spapr-vlan", null)), null, null, null);
    assertThatThrownBy(() -> new QemuCommand(Path.of("q"), nic, Accel.TCG, List.of(), null, null, Path.of("/w"))
        .args()).hasMessageStartingWith("the boot check cannot emulate the NIC model 'spapr-vlan'; it knows e1000, ");
    Path bad = dir.resolve("bad.xml");
    Files.writeString(bad, "<domain><name>x</name>");
    assertThatThrownBy(() -> BootDomain.parse(bad)).hasMessageStartingWith("the domain XML " + bad + " is not valid XML: ")
        .hasMessageNotContaining("\n");
    Path other = dir.resolve("other.xml");
    Files.writeString(other, "<network/>");
    assertThatThrownBy(() -> BootDomain.parse(other))
        .hasMessage(other + " is not a libvirt domain (its root element is <network>, not <domain>)");
  }
}
