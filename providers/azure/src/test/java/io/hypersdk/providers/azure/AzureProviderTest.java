package io.hypersdk.providers.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.io.Sha256;
import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.VmInfo;
import io.hypersdk.providers.azure.testing.AzureFixture;
import io.hypersdk.providers.download.RangeChecksum;
import io.hypersdk.providers.download.RangeReader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The azure provider against WireMock answering as ARM and a real Azurite serving the snapshots' page blobs,
 * signed in through azure-identity's AzureCliCredential (a stand-in az on PATH).
 */
@Timeout(120)
class AzureProviderTest {
  @TempDir
  Path work;
  AzureFixture azure;

  @BeforeAll
  static void azCli() throws Exception {
    AzureFixture.installAzCli(Path.of("target/test-bin"));
  }

  @BeforeEach
  void start() {
    azure = new AzureFixture();
  }

  @AfterEach
  void stop() {
    azure.close();
  }

  private Provider open(Map<String, String> more) throws ProviderException {
    var b = ProviderSettings.builder(new AzureProviderFactory());
    b.setAll(Map.of("subscription", AzureFixture.SUBSCRIPTION, "credential", "azure-cli", "arm_endpoint",
        azure.endpoint(), "parallel", "4"));
    b.setAll(more);
    return new AzureProviderFactory().open(b.build(Map.of()));
  }

  @Test
  void vmInfoByNameAndByIdGivesSizeFirmwareDisksAndMacs() throws Exception {
    try (Provider p = open(Map.of())) {
      assertThat(p.listVms()).singleElement().satisfies(v -> {
        assertThat(v.name()).isEqualTo("web01");
        assertThat(v.powerState()).isEqualTo("running");
        assertThat(v.cpu()).isEqualTo(2);
        assertThat(v.disks()).isEqualTo(2);
      });
      for (String ref : new String[] {"web01", AzureFixture.VM_ID}) {
        VmInfo vm = p.vmInfo(ref);
        assertThat(vm.id()).isEqualTo(AzureFixture.VM_ID);
        assertThat(vm.memoryMiB()).isEqualTo(8192L);
        assertThat(vm.firmware()).isEqualTo("uefi");
        assertThat(vm.secureBoot()).isTrue();
        assertThat(vm.guestId()).isEqualTo("Linux TrustedLaunch");
        assertThat(vm.osVersion()).isEqualTo("Canonical:ubuntu-24_04-lts:server");
        assertThat(vm.osHint()).isEqualTo("linux");
        assertThat(vm.datacenter()).isEqualTo("westeurope");
        assertThat(vm.disks()).extracting(d -> d.id() + " " + d.label() + " " + d.capacityBytes()).containsExactly(
            "web01_OsDisk_1 OS disk " + AzureFixture.OS_BYTES, "web01_data0 data disk LUN 0 "
                + AzureFixture.DATA_BYTES);
        assertThat(vm.nics()).singleElement().satisfies(n -> {
          assertThat(n.mac()).isEqualTo(AzureFixture.MAC0);
          assertThat(n.network()).isEqualTo("vnet-prod/subnets/default");
        });
      }
    }
    azure.vm("Standard_B1s", "V1", "PowerState/deallocated", "Standard_LRS", "Reserved");
    try (Provider p = open(Map.of("resource_group", AzureFixture.GROUP))) {
      VmInfo vm = p.vmInfo("web01");
      assertThat(vm.firmware()).isEqualTo("bios");
      assertThat(vm.cpu()).isEqualTo(1);
      assertThat(vm.powerState()).isEqualTo("deallocated");
    }
  }

  @Test
  void exportWritesFixedVhdsOfTheAllocatedRangesAndLeavesNoSnapshotOrGrant() throws Exception {
    ExportedVm out;
    try (Provider p = open(Map.of())) {
      out = p.export(new ExportRequest("web01", work.resolve("out"), ExportFormat.OVF), ExportProgress.NONE);
    }
    assertThat(out.disks()).hasSize(2);
    for (var d : out.disks()) {
      Path vhd = Path.of(d.path());
      assertThat(d.format()).isEqualTo("vhd");
      assertThat(d.sha256()).isEqualTo(Sha256.ofFile(vhd));
      byte[] file = Files.readAllBytes(vhd);
      byte[] expected = Files.readAllBytes(azure.expectedDisk(d.id(), work.resolve(d.id() + ".expected")));
      assertThat(file.length).isEqualTo(expected.length + 512);
      assertThat(Arrays.equals(file, 0, expected.length, expected, 0, expected.length)).isTrue();
      byte[] footer = Arrays.copyOfRange(file, expected.length, file.length);
      assertThat(new String(footer, 0, 8, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("conectix");
      assertThat(ByteBuffer.wrap(footer, 48, 8).getLong()).isEqualTo(expected.length);
      assertThat(ByteBuffer.wrap(footer, 64, 4).getInt()).isEqualTo(FixedVhdFooter.checksum(footer));
    }
    assertThat(Files.list(work.resolve("out")).map(f -> f.getFileName().toString()))
        .containsExactlyInAnyOrder("web01_OsDisk_1.vhd", "web01_data0.vhd");
    assertCleanedUp(2);
  }

  @Test
  void aSasThatExpiresDuringTheDownloadIsGrantedAgainAndTheDownloadGoesOn() throws Exception {
    azure.grants(2);
    AtomicBoolean slept = new AtomicBoolean();
    ExportProgress slowFirst = new ExportProgress() {
      @Override
      public void advance(long bytes) {
        if (slept.compareAndSet(false, true)) {
          try {
            Thread.sleep(3_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    };
    ExportedVm out;
    try (Provider p = open(Map.of("parallel", "1", "disk_format", "raw"))) {
      out = p.export(new ExportRequest("web01", work.resolve("out"), ExportFormat.OVF), slowFirst);
    }
    assertThat(azure.grantsBegun()).as(azure.journal()).isEqualTo(3);
    for (var d : out.disks()) {
      assertThat(Files.mismatch(Path.of(d.path()), azure.expectedDisk(d.id(), work.resolve(d.id() + ".expected"))))
          .isEqualTo(-1L);
    }
    assertCleanedUp(2);
  }

  @Test
  void aRunAgainAfterAFailureKeepsTheRangesWhoseMd5IsUnchanged() throws Exception {
    AtomicInteger ranges = new AtomicInteger();
    ExportProgress failsAfterThree = new ExportProgress() {
      @Override
      public void advance(long bytes) {
        if (ranges.incrementAndGet() == 3) {
          throw new IllegalStateException("the network dropped");
        }
      }
    };
    try (Provider p = open(Map.of("parallel", "1", "disk_format", "raw"))) {
      assertThatThrownBy(() -> p.export(new ExportRequest("web01", work.resolve("out"), ExportFormat.OVF),
          failsAfterThree)).hasMessageContaining("the network dropped");
    }
    ExportedVm out;
    try (Provider p = open(Map.of("parallel", "1", "disk_format", "raw"))) {
      out = p.export(new ExportRequest("web01", work.resolve("out"), ExportFormat.OVF), ExportProgress.NONE);
    }
    // A new snapshot, the same disk: the ranges written before are kept, the rest read.
    assertThat(out.warnings()).singleElement().asString().startsWith("disk ").contains(" ranges kept from an earlier "
        + "run of this export");
    for (var d : out.disks()) {
      assertThat(Files.mismatch(Path.of(d.path()), azure.expectedDisk(d.id(), work.resolve(d.id() + ".expected"))))
          .isEqualTo(-1L);
    }
    assertCleanedUp(4);
  }

  @Test
  void anUltraDiskIsRefusedBeforeAnySnapshot() throws Exception {
    azure.vm("Standard_D2s_v5", "V2", "PowerState/running", "UltraSSD_LRS", "Attached");
    try (Provider p = open(Map.of())) {
      assertThatThrownBy(() -> p.export(new ExportRequest("web01", work.resolve("out"), ExportFormat.OVF),
          ExportProgress.NONE)).isInstanceOf(ProviderException.class).hasMessage("disk web01_OsDisk_1 of VM web01 is "
          + "an Ultra disk (UltraSSD_LRS), which Azure cannot snapshot for download: copy it to a Premium SSD first");
    }
    assertThat(azure.snapshotsCreated()).isZero();
  }

  @Test
  void eachRangeComesWithTheContentMd5TheBlobServiceSent() throws Exception {
    SnapshotBlobReader reader = new SnapshotBlobReader(snap -> azure.sas(AzureFixture.OS_DISK, 600), "os-snapshot",
        null);
    var ranges = reader.ranges();
    // The 4.5 MiB page range is split into a 4 MiB read (the largest with a range MD5) and the rest.
    assertThat(ranges).extracting(r -> r.offset() + "+" + r.length()).containsExactly("0+1048576", "8388608+4194304",
        "12582912+524288", (AzureFixture.OS_BYTES - 524288) + "+524288");
    byte[] expected = Files.readAllBytes(azure.expectedDisk(AzureFixture.OS_DISK, work.resolve("os.expected")));
    for (var r : ranges) {
      var chunk = reader.read(r, nothingEarlier());
      assertThat(chunk.data()).isEqualTo(Arrays.copyOfRange(expected, (int) r.offset(), (int) r.end()));
      assertThat(chunk.checksum()).as("Content-MD5 of %s", r)
          .isEqualTo(RangeChecksum.MD5_BASE64.of().apply(chunk.data()));
      // An earlier run's bytes with the MD5 the service sends now are kept, the body dropped unread.
      String md5 = chunk.checksum();
      assertThat(reader.read(r, new RangeReader.Earlier() {
        @Override
        public boolean holds(String checksum) {
          return checksum.equals(md5);
        }

        @Override
        public boolean intact() {
          return false;
        }
      })).isSameAs(RangeReader.Chunk.unchanged());
    }
  }

  private static RangeReader.Earlier nothingEarlier() {
    return new RangeReader.Earlier() {
      @Override
      public boolean holds(String checksum) {
        return false;
      }

      @Override
      public boolean intact() {
        return false;
      }
    };
  }

  private void assertCleanedUp(int snapshots) {
    assertThat(azure.snapshotsCreated()).as(azure.journal()).isEqualTo(snapshots);
    assertThat(azure.snapshotsDeleted()).as(azure.journal()).isEqualTo(snapshots);
    assertThat((long) azure.grantsEnded()).as(azure.journal()).isEqualTo(azure.snapshotsGranted());
  }
}
