package io.hypersdk.manifest;

import static io.hypersdk.manifest.Manifests.disk;
import static io.hypersdk.manifest.Manifests.valid;
import static io.hypersdk.manifest.Manifests.withDisk;
import static io.hypersdk.manifest.Manifests.withVm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.hypersdk.manifest.ManifestValidator.FileChecks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestValidatorTest {

  @Test
  void theBaseManifestOfTheTableIsValid() {
    assertThat(ManifestValidator.validate(valid(), FileChecks.NONE)).isEmpty();
  }

  /** One row per rule: the manifest breaks exactly that rule, and the violation names the field and the rule. */
  static Stream<Arguments> rules() {
    return Stream.of(
        row("version other than 1.0", () -> valid(b -> b.manifestVersion("2.0")), FileChecks.NONE,
            "manifest_version", "must be exactly \"1.0\", not \"2.0\""),
        row("version 1.00 is not 1.0", () -> valid(b -> b.manifestVersion("1.00")), FileChecks.NONE,
            "manifest_version", "must be exactly \"1.0\""),
        row("version missing", () -> valid(b -> b.manifestVersion(null)), FileChecks.NONE,
            "manifest_version", "is required"),
        row("no disks", () -> valid(b -> b.disks(List.of())), FileChecks.NONE,
            "disks", "at least one disk is required"),
        row("disks absent", () -> new ArtifactManifest("1.0", null, null, null, null, null, null, null, null, null,
            null, null), FileChecks.NONE, "disks", "at least one disk is required"),
        row("disk id with a space", () -> withDisk(d -> d.id("disk 0")), FileChecks.NONE,
            "disks[0].id", "must match ^[a-zA-Z0-9_-]+$"),
        row("disk id with a slash", () -> withDisk(d -> d.id("../disk0")), FileChecks.NONE,
            "disks[0].id", "must match ^[a-zA-Z0-9_-]+$"),
        row("disk id missing", () -> withDisk(d -> d.id(null)), FileChecks.NONE,
            "disks[0].id", "is required"),
        row("disk id empty", () -> withDisk(d -> d.id("")), FileChecks.NONE,
            "disks[0].id", "is required"),
        row("duplicate disk id", () -> valid(b -> b.disks(List.of(disk("d0").build(),
            disk("d0").bootOrderHint(1).localPath("/exports/other.vmdk").build()))), FileChecks.NONE,
            "disks[1].id", "ids must be unique"),
        row("unknown source format", () -> withDisk(d -> d.sourceFormat("iso")), FileChecks.NONE,
            "disks[0].source_format", "must be one of vmdk, qcow2, raw, vhd, vhdx, vdi, not \"iso\""),
        row("qemu's name vpc is not a manifest format", () -> withDisk(d -> d.sourceFormat("vpc")),
            FileChecks.NONE, "disks[0].source_format", "must be one of vmdk, qcow2, raw, vhd, vhdx, vdi"),
        row("source format missing", () -> withDisk(d -> d.sourceFormat(null)), FileChecks.NONE,
            "disks[0].source_format", "is required"),
        row("negative bytes", () -> withDisk(d -> d.bytes(-1)), FileChecks.NONE,
            "disks[0].bytes", "must be 0 or more"),
        row("relative local path", () -> withDisk(d -> d.localPath("exports/disk0.vmdk")), FileChecks.NONE,
            "disks[0].local_path", "must be an absolute path"),
        row("local path missing", () -> withDisk(d -> d.localPath(null)), FileChecks.NONE,
            "disks[0].local_path", "is required"),
        row("local path names no file", () -> withDisk(d -> d.localPath("/nonexistent/hypersdk/disk0.vmdk")),
            FileChecks.PRESENCE, "disks[0].local_path", "does not exist"),
        row("checksum of another algorithm", () -> withDisk(d -> d.checksum("md5:" + "a".repeat(32))),
            FileChecks.NONE, "disks[0].checksum", "must be a SHA-256 (sha256:<64 lowercase hex digits>), not \"md5\"; "
                + "use sha256sum FILE"),
        row("checksum one digit short", () -> withDisk(d -> d.checksum("sha256:" + "a".repeat(63))),
            FileChecks.NONE, "disks[0].checksum", "the digest has 63 hex digits, but a SHA-256 has 64; use sha256sum FILE"),
        row("a SHA-1 digest labelled sha256", () -> withDisk(d -> d.checksum("sha256:" + "a".repeat(40))),
            FileChecks.NONE, "disks[0].checksum", "the digest has 40 hex digits, but a SHA-256 has 64 (40 is a SHA-1)"),
        row("checksum in upper case", () -> withDisk(d -> d.checksum("sha256:" + "AB".repeat(32))),
            FileChecks.NONE, "disks[0].checksum", "the digest must be lowercase hex: sha256:" + "ab".repeat(32)),
        row("checksum with non-hex digits", () -> withDisk(d -> d.checksum("sha256:" + "g".repeat(64))),
            FileChecks.NONE, "disks[0].checksum", "must be sha256:<64"),
        row("checksum without prefix", () -> withDisk(d -> d.checksum("a".repeat(64))),
            FileChecks.NONE, "disks[0].checksum", "needs the algorithm: write sha256:" + "a".repeat(64)),
        row("unknown firmware", () -> withVm(new VmSpec(2, 4, "coreboot", false, "linux", null)), FileChecks.NONE,
            "vm.firmware", "must be bios, uefi or unknown, not \"coreboot\""),
        row("unknown disk type", () -> withDisk(d -> d.diskType("root")), FileChecks.NONE,
            "disks[0].disk_type", "must be boot, data or unknown, not \"root\""),
        row("negative boot order hint", () -> withDisk(d -> d.bootOrderHint(-1)), FileChecks.NONE,
            "disks[0].boot_order_hint", "must be 0 or more"),
        row("zero vCPUs", () -> withVm(new VmSpec(0, 4, "bios", false, "linux", null)), FileChecks.NONE,
            "vm.cpu", "must be at least 1"),
        row("negative memory", () -> withVm(new VmSpec(2, -1, "bios", false, "linux", null)), FileChecks.NONE,
            "vm.mem_gb", "must be 0 or more"),
        row("unknown os hint", () -> withVm(new VmSpec(2, 4, "bios", false, "beos", null)), FileChecks.NONE,
            "vm.os_hint", "must be linux, windows or unknown, not \"beos\""),
        row("export timestamp without offset", () -> valid(b -> b.source(
            new Source("vsphere", "vm-42", "web01", "DC1", "2026-01-31 12:00", "govc"))), FileChecks.NONE,
            "source.export_timestamp", "must be an ISO 8601 timestamp"),
        row("malformed MAC", () -> valid(b -> b.nics(List.of(new Nic("nic0", "00:50:56:aa:bb", "VM Network")))),
            FileChecks.NONE, "nics[0].mac", "must look like 00:50:56:aa:bb:cc"),
        row("unknown fstab mode", () -> valid(b -> b.pipeline(new Pipeline(null,
            new Pipeline.Fix(true, null, null, null, null, "rewrite", null), null, null))), FileChecks.NONE,
            "pipeline.fix.fstab_mode", "must be stabilize-all, bypath-only or noop"),
        row("compress level above 9", () -> valid(b -> b.pipeline(new Pipeline(null, null,
            new Pipeline.Convert(true, true, 10), null))), FileChecks.NONE,
            "pipeline.convert.compress_level", "must be from 1 to 9"),
        row("compress level below 1", () -> valid(b -> b.pipeline(new Pipeline(null, null,
            new Pipeline.Convert(true, true, 0), null))), FileChecks.NONE,
            "pipeline.convert.compress_level", "must be from 1 to 9"),
        row("unsupported output format", () -> valid(b -> b.output(new Output(null, "vmdk", null))),
            FileChecks.NONE, "output.format", "must be qcow2, raw or vdi"),
        row("relative output directory", () -> valid(b -> b.output(new Output("out", null, null))),
            FileChecks.NONE, "output.directory", "must be an absolute path"),
        row("output file name with a folder", () -> valid(b -> b.output(new Output(null, null, "a/b.qcow2"))),
            FileChecks.NONE, "output.filename", "must be a plain file name"),
        row("hidden output file name", () -> valid(b -> b.output(new Output(null, null, ".b.qcow2"))),
            FileChecks.NONE, "output.filename", "must be a plain file name"));
  }

  private static Arguments row(String name, Supplier<ArtifactManifest> manifest, FileChecks files, String field,
      String ruleFragment) {
    return arguments(name, manifest, files, field, ruleFragment);
  }

  @ParameterizedTest(name = "{0}: {3}")
  @MethodSource("rules")
  void eachRuleIsReportedAgainstItsField(String name, Supplier<ArtifactManifest> manifest, FileChecks files,
      String field, String ruleFragment) {
    List<Violation> violations = ManifestValidator.validate(manifest.get(), files);

    assertThat(violations).singleElement().satisfies(v -> {
      assertThat(v.field()).isEqualTo(field);
      assertThat(v.rule()).contains(ruleFragment);
      assertThat(v.toString()).isEqualTo(field + ": " + v.rule());
    });
  }

  @ParameterizedTest(name = "{0}: {3}")
  @MethodSource("rules")
  void requireValidThrowsOneLineNamingFieldAndRule(String name, Supplier<ArtifactManifest> manifest,
      FileChecks files, String field, String ruleFragment) {
    assertThatThrownBy(() -> ManifestValidator.requireValid(manifest.get(), "vm.json", files))
        .isInstanceOfSatisfying(InvalidManifestException.class, e -> {
          assertThat(e.getMessage()).startsWith("invalid manifest vm.json: ").contains(field + ": ")
              .contains(ruleFragment).doesNotContain("\n");
          assertThat(e.violations()).extracting(Violation::field).containsExactly(field);
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"vmdk", "qcow2", "raw", "vhd", "vhdx", "vdi"})
  void everyListedSourceFormatIsAccepted(String format) {
    assertThat(ManifestValidator.validate(withDisk(d -> d.sourceFormat(format)), FileChecks.NONE)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"bios", "uefi", "unknown", "efi"})
  void everyListedFirmwareIsAcceptedAndEfiToo(String firmware) {
    assertThat(ManifestValidator.validate(withVm(new VmSpec(2, 4, firmware, false, "linux", null)),
        FileChecks.NONE)).isEmpty();
  }

  @Test
  void vSphereEfiMeansUefi() {
    assertThat(new VmSpec(2, 4, "efi", true, "linux", null).firmwareKind()).isEqualTo(Firmware.UEFI);
    assertThat(new VmSpec(2, 4, "uefi", true, "linux", null).firmwareKind()).isEqualTo(Firmware.UEFI);
    assertThat(new VmSpec(2, 4, null, null, null, null).firmwareKind()).isEqualTo(Firmware.BIOS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"boot", "data", "unknown"})
  void everyListedDiskTypeIsAccepted(String diskType) {
    assertThat(ManifestValidator.validate(withDisk(d -> d.diskType(diskType)), FileChecks.NONE)).isEmpty();
  }

  @Test
  void boundaryValuesAreAccepted() {
    ArtifactManifest m = valid(b -> b.disks(List.of(
        disk("A-z_09").bytes(0).bootOrderHint(0).build(),
        Disk.builder().id("nohint").sourceFormat("raw").localPath("/exports/nohint.raw").build())));
    assertThat(ManifestValidator.validate(m, FileChecks.NONE)).isEmpty();
  }

  @Test
  void bootOrderHintDefaultsTo999AndOrdersDisks() {
    Disk noHint = Disk.builder().id("late").sourceFormat("raw").localPath("/x/late.raw").build();
    Disk second = disk("second").bootOrderHint(5).build();
    Disk first = disk("first").bootOrderHint(0).build();
    Disk alsoFive = disk("alsofive").bootOrderHint(5).build();
    ArtifactManifest m = valid(b -> b.disks(List.of(noHint, second, first, alsoFive)));

    assertThat(noHint.effectiveBootOrderHint()).isEqualTo(999).isEqualTo(Disk.DEFAULT_BOOT_ORDER_HINT);
    assertThat(m.disksInBootOrder()).extracting(Disk::id).containsExactly("first", "second", "alsofive", "late");
  }

  @Test
  void everyBrokenRuleIsReportedNotJustTheFirst() {
    ArtifactManifest m = valid(b -> b.manifestVersion("0.9").disks(List.of(
        disk("ok").build(), disk("bad id").sourceFormat("iso").bytes(-5).build())));

    assertThat(ManifestValidator.validate(m, FileChecks.NONE)).extracting(Violation::field)
        .containsExactly("manifest_version", "disks[1].id", "disks[1].source_format", "disks[1].bytes");
  }

  @Test
  void checksumIsVerifiedAgainstTheFile(@TempDir Path dir) throws Exception {
    byte[] content = "a small disk image\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
    Path file = dir.resolve("disk0.vmdk");
    Files.write(file, content);
    String actual = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));

    ArtifactManifest matching = withDisk(d -> d.localPath(file.toString()).checksum(actual));
    assertThat(ManifestValidator.validate(matching, FileChecks.PRESENCE_AND_CHECKSUM)).isEmpty();

    String other = "sha256:" + "0".repeat(64);
    ArtifactManifest mismatching = withDisk(d -> d.localPath(file.toString()).checksum(other));
    assertThat(ManifestValidator.validate(mismatching, FileChecks.PRESENCE_AND_CHECKSUM)).singleElement()
        .satisfies(v -> {
          assertThat(v.field()).isEqualTo("disks[0].checksum");
          assertThat(v.rule()).contains("does not match " + file).contains(other).contains(actual);
        });
    // Presence checks alone do not hash the file, and structural checks do not even look for it.
    assertThat(ManifestValidator.validate(mismatching, FileChecks.PRESENCE)).isEmpty();
    assertThat(ManifestValidator.validate(mismatching, FileChecks.NONE)).isEmpty();
  }

  @Test
  void aChangedFileNoLongerMatchesItsChecksum(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("disk0.raw");
    Files.write(file, new byte[4096]);
    String original = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(new byte[4096]));
    ArtifactManifest m = withDisk(d -> d.localPath(file.toString()).checksum(original).sourceFormat("raw"));
    assertThat(ManifestValidator.validate(m, FileChecks.PRESENCE_AND_CHECKSUM)).isEmpty();

    Files.write(file, new byte[4095]);

    assertThat(ManifestValidator.validate(m, FileChecks.PRESENCE_AND_CHECKSUM)).extracting(Violation::field)
        .containsExactly("disks[0].checksum");
  }

  @Test
  void aMissingChecksumIsNotRequired(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("disk0.raw"), new byte[512]);
    ArtifactManifest m = withDisk(d -> d.localPath(file.toString()).checksum(null).sourceFormat("raw"));
    assertThat(ManifestValidator.validate(m, FileChecks.PRESENCE_AND_CHECKSUM)).isEmpty();
  }

  @Test
  void aFolderIsNotADiskFile(@TempDir Path dir) {
    ArtifactManifest m = withDisk(d -> d.localPath(dir.toString()));
    assertThat(ManifestValidator.validate(m, FileChecks.PRESENCE)).singleElement()
        .satisfies(v -> {
          assertThat(v.field()).isEqualTo("disks[0].local_path");
          assertThat(v.rule()).contains("does not exist");
        });
  }
}
