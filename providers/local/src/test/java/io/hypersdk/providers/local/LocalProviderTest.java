package io.hypersdk.providers.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.io.Sha256;
import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedDisk;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local provider on plain files (the disks' content does not matter to it, only their bytes). */
class LocalProviderTest {
  @TempDir
  Path root;
  Path src;
  Path boot;
  Path data;
  final LocalProvider provider = new LocalProvider(Path.of("."));

  @BeforeEach
  void images() throws Exception {
    src = Files.createDirectories(root.resolve("src"));
    boot = write(src.resolve("app01.vmdk"), 300_000, 1);
    data = write(src.resolve("app01-logs.raw"), 70_000, 2);
  }

  private static Path write(Path f, int size, long seed) throws Exception {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return Files.write(f, b);
  }

  private ExportedVm export(String vm, Path out, ExportFormat format) throws Exception {
    return provider.export(new ExportRequest(vm, out, format), ExportProgress.NONE);
  }

  private static void assertCopies(ExportedVm vm, Path out, Path... sources) throws Exception {
    assertThat(vm.disks()).hasSize(sources.length);
    for (int i = 0; i < sources.length; i++) {
      ExportedDisk d = vm.disks().get(i);
      Path copy = Path.of(d.path());
      assertThat(copy).isEqualTo(out.resolve(sources[i].getFileName()));
      assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(sources[i]));
      assertThat(d.sha256()).isEqualTo(Sha256.ofFile(sources[i]));
      assertThat(d.bytes()).isEqualTo(Files.size(sources[i]));
      assertThat(d.bootOrderHint()).isEqualTo(i);
      assertThat(d.id()).isEqualTo("disk-" + i);
    }
  }

  @Test
  void diskImagesAreCopiedWithTheirChecksums() throws Exception {
    Path out = root.resolve("out");
    AtomicLong progressed = new AtomicLong();
    ExportedVm vm = provider.export(new ExportRequest(boot + "," + data, out, ExportFormat.OVF),
        new ExportProgress() {
          @Override
          public void advance(long bytes) {
            progressed.addAndGet(bytes);
          }
        });

    assertThat(vm.vm().name()).isEqualTo("app01");
    assertThat(vm.exportMethod()).isEqualTo("local-images");
    assertCopies(vm, out, boot, data);
    assertThat(vm.disks()).extracting(ExportedDisk::format).containsExactly("vmdk", "raw");
    assertThat(progressed.get()).isEqualTo(370_000);
    assertThat(vm.descriptor()).isEqualTo(out.resolve("app01.ovf").toString());
    assertThat(Files.readString(out.resolve("app01.mf"), StandardCharsets.UTF_8))
        .contains("SHA256(app01.vmdk)= " + Sha256.ofFile(boot).substring(7));
  }

  @Test
  void anOvaAndAnOvfFolderGiveTheSameDisksBack() throws Exception {
    Path first = root.resolve("first");
    ExportedVm packed = export(boot + "," + data, first, ExportFormat.OVA);
    assertThat(packed.archive()).isEqualTo(first.resolve("app01.ova").toString());

    Path fromOva = root.resolve("from-ova");
    ExportedVm ova = export(packed.archive(), fromOva, ExportFormat.OVF);
    assertThat(ova.exportMethod()).isEqualTo("local-ova");
    assertThat(ova.vm().name()).isEqualTo("app01");
    assertCopies(ova, fromOva, boot, data);

    Path fromFolder = root.resolve("from-folder");
    ExportedVm folder = export(first.toString(), fromFolder, ExportFormat.OVF);
    assertThat(folder.exportMethod()).isEqualTo("local-ovf");
    assertCopies(folder, fromFolder, boot, data);
  }

  @Test
  void aMissingVmIsNotFound() {
    assertThatThrownBy(() -> export(root.resolve("nope.ova").toString(), root.resolve("out"), ExportFormat.OVF))
        .isInstanceOf(ProviderException.class).hasMessageContaining("not found")
        .extracting(e -> ((ProviderException) e).kind()).isEqualTo(Kind.NOT_FOUND);
    assertThatThrownBy(() -> export(boot + "," + src.resolve("gone.vmdk"), root.resolve("out"), ExportFormat.OVF))
        .isInstanceOf(ProviderException.class).extracting(e -> ((ProviderException) e).kind())
        .isEqualTo(Kind.NOT_FOUND);
    assertThat(root.resolve("out")).doesNotExist();
  }

  @Test
  void whatIsNoVmIsAnInvalidRequest() throws Exception {
    Path text = Files.writeString(src.resolve("notes.txt"), "hello");
    Path empty = Files.createDirectories(root.resolve("no-ovf"));
    for (String vm : List.of(" ", text.toString(), empty.toString())) {
      assertThatThrownBy(() -> export(vm, root.resolve("out"), ExportFormat.OVF)).as(vm)
          .isInstanceOf(ProviderException.class).extracting(e -> ((ProviderException) e).kind())
          .isEqualTo(Kind.INVALID_REQUEST);
    }
  }

  @Test
  void exportingIntoTheSourceFolderIsRefused() {
    assertThatThrownBy(() -> export(boot.toString(), src, ExportFormat.OVF)).isInstanceOf(ProviderException.class)
        .hasMessageContaining("is the folder the VM's disks are in");
    assertThat(boot).isRegularFile();
  }

  @Test
  void anOvfCannotReferToFilesOutsideItsFolder() throws Exception {
    Path pkg = Files.createDirectories(root.resolve("evil"));
    Files.writeString(pkg.resolve("evil.ovf"), "<Envelope xmlns='http://schemas.dmtf.org/ovf/envelope/1' "
        + "xmlns:ovf='http://schemas.dmtf.org/ovf/envelope/1' "
        + "xmlns:rasd='http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData'>"
        + "<References><File ovf:href='../src/app01.vmdk' ovf:id='file1'/></References>"
        + "<DiskSection><Disk ovf:diskId='vmdisk1' ovf:fileRef='file1' ovf:capacity='1'/></DiskSection>"
        + "<VirtualSystem ovf:id='evil'><Name>evil</Name><VirtualHardwareSection>"
        + "<Item><rasd:ResourceType>17</rasd:ResourceType><rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource>"
        + "</Item></VirtualHardwareSection></VirtualSystem></Envelope>");

    assertThatThrownBy(() -> export(pkg.toString(), root.resolve("out"), ExportFormat.OVF))
        .isInstanceOf(ProviderException.class).hasMessageContaining("not a plain file name");
    assertThat(root.resolve("out").resolve("app01.vmdk")).doesNotExist();
  }

  @Test
  void anOvaWithoutADiskItListsFailsTheExport() throws Exception {
    Path first = root.resolve("first");
    ExportedVm packed = export(boot + "," + data, first, ExportFormat.OVA);
    // The same descriptor, packed without the second disk.
    Path broken = root.resolve("broken.ova");
    try (var out = Files.newOutputStream(broken);
         io.hypersdk.providers.ovf.Tar.Writer tar = new io.hypersdk.providers.ovf.Tar.Writer(out)) {
      for (Path p : List.of(Path.of(packed.descriptor()), first.resolve("app01.vmdk"))) {
        byte[] b = Files.readAllBytes(p);
        tar.beginEntry(p.getFileName().toString(), b.length, 0);
        out.write(b);
        tar.endEntry(b.length);
      }
    }
    assertThatThrownBy(() -> export(broken.toString(), root.resolve("out"), ExportFormat.OVF))
        .isInstanceOf(ProviderException.class).hasMessageContaining("does not contain app01-logs.raw")
        .extracting(e -> ((ProviderException) e).kind()).isEqualTo(Kind.EXPORT_FAILED);
  }
}
