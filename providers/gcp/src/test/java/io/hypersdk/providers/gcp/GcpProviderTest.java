package io.hypersdk.providers.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.VmInfo;
import io.hypersdk.providers.gcp.testing.GcpFixture;
import io.hypersdk.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The gcp provider in-process against the WireMock fixture: facts, both image formats, failures, cleanup. */
class GcpProviderTest {
  @TempDir
  Path work;
  GcpFixture gcp;

  @BeforeEach
  void start() {
    gcp = new GcpFixture(work.resolve("fixture"));
  }

  @AfterEach
  void stop() {
    gcp.close();
  }

  private Provider open(String... more) throws ProviderException {
    Map<String, String> s = new HashMap<>(Map.of("project", GcpFixture.PROJECT, "credentials_file",
        gcp.keyFile(work.resolve("key.json")).toString(), "staging_bucket", GcpFixture.BUCKET,
        "compute_endpoint", gcp.endpoint(), "storage_endpoint", gcp.endpoint(), "cloudbuild_endpoint",
        gcp.endpoint()));
    for (int i = 0; i < more.length; i += 2) {
      s.put(more[i], more[i + 1]);
    }
    return new GcpProviderFactory().open(new ProviderSettings(s));
  }

  @Test
  void vmInfoReadsMachineTypeFirmwareSecureBootDisksInBootOrderAndNicsWithoutMac() throws Exception {
    try (Provider p = open()) {
      VmInfo vm = p.vmInfo(GcpFixture.NAME);
      assertThat(vm.id()).isEqualTo(GcpFixture.INSTANCE_ID);
      assertThat(vm.datacenter()).isEqualTo(GcpFixture.ZONE);
      assertThat(vm.cpu()).isEqualTo(2);
      assertThat(vm.memoryMiB()).isEqualTo(8192L);
      assertThat(vm.firmware()).isEqualTo("uefi");
      assertThat(vm.secureBoot()).isTrue();
      assertThat(vm.osHint()).isEqualTo("linux");
      assertThat(vm.powerState()).isEqualTo("RUNNING");
      assertThat(vm.disks()).extracting(d -> d.id() + " " + d.label() + " " + d.capacityBytes()).containsExactly(
          "web01 persistent-disk-0 " + GcpFixture.DISK_BYTES, "web01-data data " + GcpFixture.DISK_BYTES);
      assertThat(vm.nics()).singleElement().satisfies(n -> {
        assertThat(n.mac()).isNull();
        assertThat(n.id()).isEqualTo("nic0 (GVNIC)");
        assertThat(n.network()).isEqualTo("default");
      });
      assertThat(p.listVms()).singleElement().satisfies(v -> assertThat(v.disks()).isEqualTo(2));
    }
  }

  /** The image.tar.gz format runs end to end in hyperexport's GcpExportTest: 2 GiB of zeros hashed is slow. */
  @ParameterizedTest
  @ValueSource(strings = {"qcow2", "vmdk"})
  void exportsBothDisksWithTheirChecksumsAndLeavesNothingInTheProject(String format) throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    Path out = work.resolve("out");
    ExportedVm vm;
    try (Provider p = open("image_format", format)) {
      vm = p.export(new ExportRequest(GcpFixture.NAME, out, ExportFormat.OVF),
          io.hypersdk.providers.ExportProgress.NONE);
    }
    assertThat(vm.disks()).extracting(d -> d.id() + " " + d.format() + " " + d.bootOrderHint())
        .containsExactly("web01 " + format + " 0", "web01-data " + format + " 1");
    for (var d : vm.disks()) {
      Path expected = gcp.expectedDisk(d.id());
      assertThat(Tools.run(List.of("qemu-img", "compare", "-f", "raw", "-F", format, expected.toString(), d.path())))
          .contains("Images are identical");
    }
    assertThat(vm.warnings()).anyMatch(w -> w.contains("no MAC address") && w.contains("nic0 (GVNIC)"))
        .anyMatch(w -> w.contains("1 local SSD"));
    assertThat(gcp.created("snapshot")).isEqualTo(2);
    assertThat(gcp.created("image")).isEqualTo(2);
    assertThat(gcp.created("object")).isEqualTo(2);
    assertThat(gcp.leftovers()).isEmpty();
    assertThat(gcp.snapshotRequests()).allMatch(u -> u.contains("guestFlush=true"));
    assertThat(gcp.buildArgs()).allSatisfy(a -> {
      assertThat(a).contains("-client_id=api");
      assertThat(a).contains("-format=" + format);
    });
    assertThat(Files.list(out).map(f -> f.getFileName().toString()).toList()).noneMatch(n -> n.endsWith(".part"));
  }

  /** The benchmark's lean Cloud Storage server serves the export as WireMock does: metadata, ranges, delete. */
  @Test
  void theLeanStorageServerServesAWholeExport() throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    ExportedVm vm;
    try (Provider p = open("storage_endpoint", gcp.leanStorageEndpoint())) {
      vm = p.export(new ExportRequest(GcpFixture.NAME, work.resolve("out"), ExportFormat.OVF),
          io.hypersdk.providers.ExportProgress.NONE);
    }
    for (var d : vm.disks()) {
      assertThat(Tools.run(List.of("qemu-img", "compare", "-f", "raw", "-F", "qcow2",
          gcp.expectedDisk(d.id()).toString(), d.path()))).contains("Images are identical");
    }
    assertThat(gcp.requests("GET", "/storage/.*")).as("no storage request went to WireMock").isZero();
    assertThat(gcp.leftovers()).isEmpty();
  }

  @Test
  void aFailedBuildNamesItsLogAndLastLinesAndEverythingIsDeleted() throws Exception {
    gcp.refuseExport("disk is encrypted with a customer-supplied key: cannot be exported");
    try (Provider p = open()) {
      assertThatThrownBy(() -> p.export(new ExportRequest(GcpFixture.NAME, work.resolve("out"), ExportFormat.OVF),
          io.hypersdk.providers.ExportProgress.NONE)).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.EXPORT_FAILED);
            assertThat(e.getMessage()).startsWith("the image-export build ").contains("ended FAILURE")
                .contains("Error running workflow: disk is encrypted with a customer-supplied key")
                .contains("log: https://console.cloud.google.com/cloud-build/builds/").doesNotContain("\n");
          });
    }
    assertThat(gcp.created("snapshot")).isEqualTo(2);
    assertThat(gcp.leftovers()).isEmpty();
  }

  @Test
  void keepExportLeavesTheImagesSnapshotsAndObjects() throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    try (Provider p = open("keep_export", "true")) {
      p.export(new ExportRequest(GcpFixture.NAME, work.resolve("out"), ExportFormat.OVF),
          io.hypersdk.providers.ExportProgress.NONE);
    }
    assertThat(gcp.leftovers()).hasSize(6);
  }

  /**
   * qcow2 is downloaded into the disk itself; raw (image.tar.gz) into a local archive, unpacked when complete: both
   * resume, with the object's CRC32C checked over reused and fetched bytes alike.
   */
  @ParameterizedTest
  @ValueSource(strings = {"qcow2", "raw"})
  void anInterruptedDownloadResumesFromTheRangesOnDiskWhenRunAgain(String format) throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    gcp.dense(40);
    // The data disk's third 8 MiB range cannot be read: the export fails after the retries.
    gcp.dropRange(1, "bytes=16777216-25165823");
    Path out = work.resolve("out");
    String file = format.equals("raw") ? "raw.tar.gz" : "qcow2";
    try (Provider p = open("parallel", "2", "image_format", format)) {
      assertThatThrownBy(() -> p.export(new ExportRequest(GcpFixture.NAME, out, ExportFormat.OVF),
          io.hypersdk.providers.ExportProgress.NONE)).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.kind()).isEqualTo(ProviderException.Kind.NETWORK);
            assertThat(e.getMessage()).startsWith("bytes 16777216-25165823 of gs://" + GcpFixture.BUCKET
                + "/hypersdk-export/hxi-web01-1-").contains(" failed 4 times: cannot reach 127.0.0.1 calling "
                + "storage.objects.get: ");
          });
    }
    assertThat(gcp.leftovers()).isEmpty();
    assertThat(Files.list(out).map(f -> f.getFileName().toString()).sorted().toList()).as("nothing half-written "
        + "under a final name").contains("web01-data." + file + ".part", "web01-data." + file + ".part.blocks")
        .doesNotContain("web01-data." + format, "web01-data." + file);
    int bootBefore = gcp.requests("GET", "/storage/.*hxi-web01-0-.*");
    int dataBefore = gcp.requests("GET", "/storage/.*hxi-web01-1-.*");
    long dataBytesBefore = gcp.mediaBytes("/storage/.*hxi-web01-1-.*");
    gcp.heal();

    ExportedVm vm;
    try (Provider p = open("parallel", "2", "image_format", format)) {
      vm = p.export(new ExportRequest(GcpFixture.NAME, out, ExportFormat.OVF),
          io.hypersdk.providers.ExportProgress.NONE);
    }
    // The boot disk was complete: only its object's metadata is read again. Of the data disk, what was written
    // and flushed before the failure is reused.
    assertThat(gcp.requests("GET", "/storage/.*hxi-web01-0-.*") - bootBefore).isEqualTo(1);
    long dataSize = gcp.stagedSize(GcpFixture.DATA_DISK, format.equals("raw") ? "" : format);
    long dataRanges = (dataSize + (8 << 20) - 1) / (8 << 20);
    assertThat(gcp.requests("GET", "/storage/.*hxi-web01-1-.*") - dataBefore).isLessThan((int) (1 + dataRanges));
    assertThat(gcp.mediaBytes("/storage/.*hxi-web01-1-.*") - dataBytesBefore).as("bytes fetched again")
        .isPositive().isLessThan(dataSize);
    for (var d : vm.disks()) {
      assertThat(Tools.run(List.of("qemu-img", "compare", "-f", "raw", "-F", format,
          gcp.expectedDisk(d.id()).toString(), d.path()))).contains("Images are identical");
    }
    assertThat(Files.list(out).map(f -> f.getFileName().toString()).sorted().toList())
        .containsExactly("web01-data." + format, "web01." + format);
    assertThat(gcp.leftovers()).isEmpty();
  }

  @Test
  void aGuestThatCannotFlushIsSnapshottedCrashConsistentWithAWarning() throws Exception {
    Tools.require("qemu-img", "qemu-utils");
    gcp.noGuestFlush();
    ExportedVm vm;
    try (Provider p = open()) {
      vm = p.export(new ExportRequest(GcpFixture.NAME, work.resolve("out"), ExportFormat.OVF),
          io.hypersdk.providers.ExportProgress.NONE);
    }
    assertThat(vm.disks()).hasSize(2);
    assertThat(vm.warnings()).filteredOn(w -> w.startsWith("the guest could not flush disk")).hasSize(2)
        .allMatch(w -> w.contains("Guest flush failed") && w.endsWith("it was taken crash-consistent"));
    assertThat(gcp.snapshotRequests()).hasSize(4).filteredOn(u -> u.contains("guestFlush=true")).hasSize(2);
    assertThat(gcp.leftovers()).isEmpty();
  }
}
