package io.hypersdk.providers.hyperv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.VmInfo;
import io.hypersdk.testing.TestDisks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hyperv-export provider on folders laid out as Export-VM writes them. */
class ExportFolderTest {
  /**
   * A Windows Server 2012 R2 VM configuration (version 5.0) as Export-VM writes it to Virtual Machines/GUID.xml,
   * reduced to what is read: properties (name, global_id, subtype 1 = Generation 2), settings (processors,
   * memory bank size in MB, secure_boot_enabled), the IDE controller element (_83F8638B..._) and a SCSI
   * controller's element with controllerN/driveN pathname and type, and a synthetic NIC's address.
   */
  static final String CONFIG_2012R2 = """
      <?xml version="1.0" encoding="UTF-16" standalone="yes"?>
      <configuration>
        <properties>
          <global_id type="string">5F1E0C2B-7B5A-4C8E-9D2E-1A2B3C4D5E6F</global_id>
          <name type="string">legacy01</name>
          <subtype type="integer">1</subtype>
          <type_id type="string">Virtual Machines</type_id>
          <version type="integer">1280</version>
        </properties>
        <settings>
          <memory>
            <bank>
              <dynamic_memory_enabled type="bool">False</dynamic_memory_enabled>
              <size type="integer">3072</size>
            </bank>
          </memory>
          <processors>
            <count type="integer">4</count>
          </processors>
          <secure_boot_enabled type="bool">True</secure_boot_enabled>
        </settings>
        <_d422512d-2bf2-4752-809d-7b82b5fcb1b4_>
          <controller0>
            <drive1>
              <pathname type="string">D:\\VMs\\legacy01\\Virtual Hard Disks\\legacy01-data.vhdx</pathname>
              <type type="string">VHD</type>
            </drive1>
            <drive0>
              <pathname type="string">D:\\VMs\\legacy01\\Virtual Hard Disks\\legacy01.vhdx</pathname>
              <type type="string">VHD</type>
            </drive0>
          </controller0>
        </_d422512d-2bf2-4752-809d-7b82b5fcb1b4_>
        <_8f2e6e4c-3a36-4a3b-9b1c-7a0d1c4e9a10_>
          <ChannelInstanceGuid type="string">{0b8e2f21-6d6e-4ba0-a6f8-1c4d0b0e7c31}</ChannelInstanceGuid>
          <address type="string">00155D0A0B0C</address>
          <isUserDefinedAddress type="bool">False</isUserDefinedAddress>
        </_8f2e6e4c-3a36-4a3b-9b1c-7a0d1c4e9a10_>
      </configuration>
      """;

  @TempDir
  Path work;

  private Path exportFolder(String name) throws Exception {
    Path dir = work.resolve("exports").resolve(name);
    Files.createDirectories(dir.resolve("Virtual Machines"));
    Files.createDirectories(dir.resolve("Virtual Hard Disks"));
    Files.createDirectories(dir.resolve("Snapshots"));
    return dir;
  }

  private HyperVExportFolderProvider provider() throws ProviderException {
    HyperVExportFolderProviderFactory f = new HyperVExportFolderProviderFactory();
    return (HyperVExportFolderProvider) f.open(ProviderSettings.builder(f).set("root", work.resolve("exports"))
        .build(Map.of()));
  }

  @Test
  void aServer2012R2ExportIsReadFromItsXmlAndCopied() throws Exception {
    Path dir = exportFolder("legacy01");
    // Export-VM writes the file in UTF-16, as its declaration says.
    Files.writeString(dir.resolve("Virtual Machines/5F1E0C2B-7B5A-4C8E-9D2E-1A2B3C4D5E6F.xml"),
        CONFIG_2012R2.strip(), java.nio.charset.StandardCharsets.UTF_16);
    Path os = TestDisks.vhdx(TestDisks.raw(work, "legacy01", 8, 21));
    Path data = TestDisks.vhdx(TestDisks.raw(work, "legacy01-data", 4, 22));
    Files.copy(os, dir.resolve("Virtual Hard Disks/legacy01.vhdx"));
    Files.copy(data, dir.resolve("Virtual Hard Disks/legacy01-data.vhdx"));

    VmInfo vm = provider().vmInfo("legacy01");
    assertThat(vm.name()).isEqualTo("legacy01");
    assertThat(vm.cpu()).isEqualTo(4);
    assertThat(vm.memoryMiB()).isEqualTo(3072);
    assertThat(vm.firmware()).isEqualTo("uefi");
    assertThat(vm.secureBoot()).isTrue();
    assertThat(vm.nics()).singleElement().satisfies(n -> assertThat(n.mac()).isEqualTo("00:15:5d:0a:0b:0c"));
    assertThat(vm.disks()).extracting(d -> d.label()).containsExactly("legacy01-data.vhdx", "legacy01.vhdx");
    assertThat(provider().listVms()).singleElement().satisfies(v -> assertThat(v.name()).isEqualTo("legacy01"));

    ExportedVm e = provider().export(new ExportRequest("legacy01", work.resolve("out"), ExportFormat.OVF),
        ExportProgress.NONE);
    assertThat(e.disks()).hasSize(2);
    assertThat(Files.mismatch(Path.of(e.disks().get(1).path()), os)).isEqualTo(-1);
    assertThat(e.disks().get(1).sha256()).isEqualTo("sha256:" + HyperVProviderTest.sha256(os));
  }

  @Test
  void aVmcxExportNeedsTheSidecarAndThenUsesIt() throws Exception {
    Path dir = exportFolder("web02");
    Files.write(dir.resolve("Virtual Machines/0D1B2C3A-0000-4000-8000-000000000001.vmcx"), new byte[] {1, 2, 3});
    Files.copy(TestDisks.vhdx(TestDisks.raw(work, "web02", 4, 23)), dir.resolve("Virtual Hard Disks/web02.vhdx"));
    assertThatThrownBy(() -> provider().vmInfo("web02")).isInstanceOf(ProviderException.class)
        .hasMessage(dir + " holds a .vmcx configuration, which only Hyper-V can read: write hypersdk-vm.json beside "
            + "it with the PowerShell line in docs/CONFIGURATION.md (Hyper-V export folders), then run again");

    // What the documented one-liner writes with Windows PowerShell 5.1: UTF-8 with a BOM, 4-space indentation.
    Files.writeString(dir.resolve("hypersdk-vm.json"), "\uFEFF{\r\n    \"Name\":  \"web02\",\r\n"
        + "    \"ProcessorCount\":  2,\r\n    \"MemoryStartup\":  2147483648,\r\n    \"Generation\":  1,\r\n"
        + "    \"SecureBoot\":  null,\r\n    \"Disks\":  [\r\n                  \"web02.vhdx\"\r\n              ],\r\n"
        + "    \"MacAddresses\":  [\r\n                         \"00155D0A0B0D\"\r\n                     ]\r\n}");
    VmInfo vm = provider().vmInfo("web02");
    assertThat(vm.firmware()).isEqualTo("bios");
    assertThat(vm.memoryMiB()).isEqualTo(2048);
    assertThat(vm.nics()).singleElement().satisfies(n -> assertThat(n.mac()).isEqualTo("00:15:5d:0a:0b:0d"));
    assertThat(vm.disks()).singleElement().satisfies(d -> assertThat(d.label()).isEqualTo("web02.vhdx"));
  }

  @Test
  void aCheckpointDiskInTheFolderIsRefused() throws Exception {
    Path dir = exportFolder("db02");
    Files.writeString(dir.resolve("Virtual Machines/A.xml"), CONFIG_2012R2.strip()
        .replace("legacy01.vhdx", "legacy01_5D2C.avhdx"), java.nio.charset.StandardCharsets.UTF_16);
    assertThatThrownBy(() -> provider().vmInfo("db02")).isInstanceOf(ProviderException.class)
        .hasMessage("disk legacy01_5D2C.avhdx in " + dir + " is a checkpoint's differencing disk, which qemu cannot "
            + "read: delete the VM's checkpoints on the host before Export-VM, or use --provider hyperv, which "
            + "merges them on the host");
  }
}
