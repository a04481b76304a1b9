package io.hypersdk.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.manifest.ManifestValidator.FileChecks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestIOTest {
  @TempDir Path dir;

  private static final String MINIMAL_JSON = """
      {
        "manifest_version": "1.0",
        "source": {"provider": "vsphere", "vm_name": "web01"},
        "vm": {"cpu": 2, "mem_gb": 4, "firmware": "bios"},
        "disks": [
          {"id": "disk0", "source_format": "vmdk", "bytes": 1024, "local_path": "/exports/disk0.vmdk",
           "boot_order_hint": 0}
        ]
      }
      """;

  private Path file(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  // ---- other manifest shapes ----

  static Stream<Arguments> otherDialects() {
    return Stream.of(
        Arguments.of("upstream.json", """
            {"version": "1", "source": {"type": "vsphere", "path": "/vm/web01"}, "output": {"format": "qcow2"}}
            """, "upstream.json: this is an upstream hyper2kvm manifest (version \"1\", source.type \"vsphere\"), "
                + "not an Artifact Manifest; this converter reads Artifact Manifest v1.0 (manifest_version \"1.0\", "
                + "source.vm_name, disks[] with local_path and source_format): see "
                + "docs/PIPELINE_INTEGRATION.md#artifact-manifest-v10"),
        Arguments.of("workflow.yaml", """
            pipeline:
              load:
                source_type: vmdk
                source_path: /exports/web01.vmdk
              convert:
                compress: true
            """, "workflow.yaml: this is an upstream hyper2kvm workflow manifest (pipeline.load.source_type "
                + "\"vmdk\" with a source_path), not an Artifact Manifest; this converter reads Artifact Manifest "
                + "v1.0 (manifest_version \"1.0\", source.vm_name, disks[] with local_path and source_format): see "
                + "docs/PIPELINE_INTEGRATION.md#artifact-manifest-v10"));
  }

  @ParameterizedTest
  @MethodSource("otherDialects")
  void anUpstreamManifestShapeIsNamedInOneLineWithWhatIsExpected(String name, String text, String message)
      throws Exception {
    Path f = file(name, text);

    assertThatThrownBy(() -> ManifestIO.read(f, name)).isInstanceOf(InvalidManifestException.class)
        .hasMessage(message);
  }

  @Test
  void aV1ManifestWithAStrayVersionKeyIsStillReadAsV1() throws Exception {
    Path f = file("m.json", MINIMAL_JSON.replace("\"manifest_version\": \"1.0\",",
        "\"manifest_version\": \"1.0\", \"version\": \"2\", \"pipeline\": {\"load\": {\"source_type\": \"vmdk\"}},"));

    assertThat(ManifestIO.read(f).vmName()).isEqualTo("web01");
  }

  // ---- round trips ----

  @ParameterizedTest
  @ValueSource(strings = {"m.json", "m.yaml", "m.yml"})
  void everySectionSurvivesAWriteReadRoundTrip(String name) throws Exception {
    ArtifactManifest original = Manifests.full();
    Path f = dir.resolve(name);

    ManifestIO.write(original, f);
    ArtifactManifest back = ManifestIO.read(f);

    assertThat(back).isEqualTo(original);
    assertThat(back.disks().get(0).bootOrderHint()).isZero();
    assertThat(back.disks().get(1).bootOrderHint()).isNull();
    assertThat(back.disks().get(1).effectiveBootOrderHint()).isEqualTo(999);
    assertThat(back.configuration()).containsEntry("retries", 3).containsEntry("nested", Map.of("enabled", true));
    assertThat(ManifestValidator.validate(back, FileChecks.NONE)).isEmpty();
  }

  @Test
  void aBootOrderHintOfZeroIsWrittenNotDropped() throws Exception {
    ArtifactManifest m = Manifests.valid();
    assertThat(m.disks().get(0).bootOrderHint()).isZero();
    Path json = dir.resolve("m.json");
    Path yaml = dir.resolve("m.yaml");

    ManifestIO.write(m, json);
    ManifestIO.write(m, yaml);

    assertThat(Files.readString(json)).contains("\"boot_order_hint\" : 0");
    assertThat(Files.readString(yaml)).containsPattern("(?m)^\\s+boot_order_hint: 0$");
    assertThat(ManifestIO.read(json).disks().get(0).bootOrderHint()).isZero();
    assertThat(ManifestIO.read(yaml).disks().get(0).bootOrderHint()).isZero();
  }

  @Test
  void keysAreSnakeCaseAndAbsentValuesAreLeftOut() throws Exception {
    String json = ManifestIO.toJson(Manifests.full());
    assertThat(json).contains("\"manifest_version\" : \"1.0\"", "\"vm_name\" : \"Web Server 01\"",
        "\"mem_gb\" : 8", "\"source_format\" : \"vmdk\"", "\"local_path\"", "\"export_timestamp\"",
        "\"hypersdk_version\"", "\"job_id\" : \"job-7\"", "\"compress_level\" : 6", "\"check_image_integrity\"",
        "\"fstab_mode\" : \"stabilize-all\"", "\"dry_run\" : false");
    assertThat(json).doesNotContain("null", "manifestVersion", "bootOrderHint");
  }

  @Test
  void yamlIsChosenByTheFileName() throws Exception {
    Path yaml = dir.resolve("m.YML");
    ManifestIO.write(Manifests.valid(), yaml);
    String text = Files.readString(yaml);

    assertThat(ManifestIO.isYaml(yaml)).isTrue();
    assertThat(ManifestIO.isYaml(dir.resolve("m.json"))).isFalse();
    assertThat(text).startsWith("manifest_version: \"1.0\"").doesNotContain("{");
  }

  @Test
  void writeLeavesNoTempFileBehind() throws Exception {
    Path f = dir.resolve("m.json");
    ManifestIO.write(Manifests.valid(), f);
    ManifestIO.write(Manifests.full(), f);

    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(f);
    }
    assertThat(ManifestIO.read(f)).isEqualTo(Manifests.full());
  }

  @Test
  void readsAHandWrittenYamlManifest() throws Exception {
    Path f = file("vm.yaml", """
        manifest_version: "1.0"
        source:
          provider: vsphere
          vm_name: db01
        vm:
          cpu: 8
          mem_gb: 32
          firmware: efi
        disks:
          - id: root
            source_format: vhdx
            bytes: 0
            local_path: /exports/root.vhdx
            boot_order_hint: 0
          - id: data
            source_format: raw
            local_path: /exports/data.raw
        nics:
          - id: nic0
            mac: 00:50:56:AA:BB:CC
        """);

    ArtifactManifest m = ManifestIO.read(f);

    assertThat(m.vmName()).isEqualTo("db01");
    assertThat(m.vm().cpu()).isEqualTo(8);
    assertThat(m.vm().firmwareKind()).isEqualTo(Firmware.UEFI);
    assertThat(m.disks()).extracting(Disk::id, Disk::format, Disk::bootOrderHint)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("root", DiskFormat.VHDX, 0),
            org.assertj.core.groups.Tuple.tuple("data", DiskFormat.RAW, null));
    assertThat(m.nics().get(0).mac()).isEqualTo("00:50:56:AA:BB:CC");
    assertThat(ManifestValidator.validate(m, FileChecks.NONE)).isEmpty();
  }

  // ---- tolerance ----

  @Test
  void unknownFieldsAnywhereAreIgnored() throws Exception {
    Path f = file("m.json", """
        {
          "manifest_version": "1.0",
          "schema_hint": "https://example.invalid/v1.1",
          "future_section": {"a": [1, 2, {"b": null}]},
          "source": {"vm_name": "web01", "vcenter_url": "https://vc", "extra": 1},
          "vm": {"cpu": 2, "tpm": true, "numa": {"nodes": 2}},
          "disks": [
            {"id": "disk0", "source_format": "vmdk", "local_path": "/exports/disk0.vmdk",
             "boot_order_hint": 0, "controller": "scsi0:0", "thin": true}
          ],
          "nics": [{"id": "nic0", "mac": "00:50:56:aa:bb:01", "vlan": 12}],
          "pipeline": {"convert": {"compress": true, "threads": 4}, "new_stage": {"enabled": true}}
        }
        """);

    ArtifactManifest m = ManifestIO.read(f);

    assertThat(m.vmName()).isEqualTo("web01");
    assertThat(m.vm().cpu()).isEqualTo(2);
    assertThat(m.disks()).singleElement().satisfies(d -> {
      assertThat(d.id()).isEqualTo("disk0");
      assertThat(d.bootOrderHint()).isZero();
    });
    assertThat(m.nics()).extracting(Nic::mac).containsExactly("00:50:56:aa:bb:01");
    assertThat(m.effectivePipeline().convert().compress()).isTrue();
    assertThat(ManifestValidator.validate(m, FileChecks.NONE)).isEmpty();
  }

  @Test
  void unknownFieldsInYamlAreIgnored() throws Exception {
    Path f = file("m.yml", """
        manifest_version: "1.0"
        colour: blue
        disks:
          - id: d0
            source_format: raw
            local_path: /exports/d0.raw
            vendor:
              anything: [1, 2]
        """);
    assertThat(ManifestIO.read(f).disks()).extracting(Disk::id).containsExactly("d0");
  }

  @Test
  void vSphereEfiIsReadAndAcceptedAsUefi() throws Exception {
    Path f = file("m.json", MINIMAL_JSON.replace("\"firmware\": \"bios\"", "\"firmware\": \"efi\""));

    ArtifactManifest m = ManifestIO.read(f);

    assertThat(m.vm().firmware()).isEqualTo("efi");
    assertThat(m.vm().firmwareKind()).isEqualTo(Firmware.UEFI);
    assertThat(ManifestValidator.validate(m, FileChecks.NONE)).isEmpty();
  }

  @Test
  void aMinimalManifestGetsThePipelineDefaults() throws Exception {
    ArtifactManifest m = ManifestIO.read(file("m.json", MINIMAL_JSON));
    Pipeline p = m.effectivePipeline();

    assertThat(p.inspect().enabled()).isTrue();
    assertThat(p.fix().enabled()).isFalse();
    assertThat(p.convert().enabled()).isTrue();
    assertThat(p.convert().compress()).isFalse();
    assertThat(p.validate().enabled()).isTrue();
    assertThat(p.validate().checkImageIntegrity()).isTrue();
  }

  // ---- errors ----

  static Stream<Arguments> typeErrors() {
    return Stream.of(
        Arguments.of("\"cpu\": 2", "\"cpu\": \"four\"", "vm.cpu: expected a whole number"),
        Arguments.of("\"mem_gb\": 4", "\"mem_gb\": [4]", "vm.mem_gb: expected a whole number"),
        Arguments.of("\"bytes\": 1024", "\"bytes\": \"1 KiB\"", "disks[0].bytes: expected a whole number"),
        Arguments.of("\"boot_order_hint\": 0", "\"boot_order_hint\": \"first\"",
            "disks[0].boot_order_hint: expected a whole number"),
        Arguments.of("\"firmware\": \"bios\"", "\"firmware\": {\"type\": \"bios\"}", "vm.firmware: expected a string"),
        Arguments.of("\"source\": {\"provider\": \"vsphere\", \"vm_name\": \"web01\"}", "\"source\": \"vsphere\"",
            "source: "));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("typeErrors")
  void aTypeErrorNamesTheFieldOnOneLine(String valid, String broken, String expected) throws Exception {
    assertThat(MINIMAL_JSON).contains(valid);
    Path f = file("m.json", MINIMAL_JSON.replace(valid, broken));

    assertThatThrownBy(() -> ManifestIO.read(f, "m.json"))
        .isExactlyInstanceOf(ManifestException.class)
        .hasMessageStartingWith("m.json: " + expected)
        .message().doesNotContain("\n");
  }

  @Test
  void aTypeErrorInYamlNamesTheField() throws Exception {
    Path f = file("m.yaml", """
        manifest_version: "1.0"
        vm:
          cpu: four
        disks: []
        """);
    assertThatThrownBy(() -> ManifestIO.read(f, "m.yaml"))
        .isExactlyInstanceOf(ManifestException.class)
        .hasMessageStartingWith("m.yaml: vm.cpu: expected a whole number")
        .message().doesNotContain("\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"m.json", "m.yaml"})
  void aNullListEntryIsATypeErrorAtItsIndex(String name) throws Exception {
    Path f = file(name, name.endsWith(".json")
        ? "{\"manifest_version\": \"1.0\", \"disks\": [{\"id\": \"d0\"}, null]}"
        : "manifest_version: \"1.0\"\ndisks:\n  - id: d0\n  - null\n");
    assertThatThrownBy(() -> ManifestIO.read(f, name))
        .isExactlyInstanceOf(ManifestException.class)
        .hasMessageStartingWith(name + ": disks[1]: expected an object")
        .message().doesNotContain("\n").doesNotContain("Exception");
  }

  @Test
  void nullEntriesInOtherListsNameTheirField() throws Exception {
    Path nics = file("n.json", "{\"disks\": [], \"nics\": [null]}");
    Path notes = file("o.json", "{\"disks\": [], \"notes\": [\"a\", null]}");
    assertThatThrownBy(() -> ManifestIO.read(nics, "n.json")).hasMessageStartingWith("n.json: nics[0]: ")
        .message().doesNotContain("Exception");
    assertThatThrownBy(() -> ManifestIO.read(notes, "o.json")).hasMessageStartingWith("o.json: notes[1]: ")
        .message().doesNotContain("Exception");
  }

  @Test
  void nullValuesInTheFreeFormConfigurationAreKept() throws Exception {
    Path f = file("m.json", "{\"disks\": [], \"configuration\": {\"proxy\": null, \"list\": [1, null]}}");
    ArtifactManifest m = ManifestIO.read(f);
    assertThat(m.configuration()).containsEntry("proxy", null).containsEntry("list", java.util.Arrays.asList(1, null));
  }

  @Test
  void disksGivenAsAnObjectIsATypeError() throws Exception {
    Path f = file("m.json", "{\"manifest_version\": \"1.0\", \"disks\": {\"id\": \"d0\"}}");
    assertThatThrownBy(() -> ManifestIO.read(f, "m.json"))
        .isExactlyInstanceOf(ManifestException.class)
        .hasMessageStartingWith("m.json: disks: expected a list")
        .message().doesNotContain("\n");
  }

  @Test
  void invalidJsonIsReportedWithItsPosition() throws Exception {
    Path f = file("m.json", "{\n  \"manifest_version\": \"1.0\",\n  \"disks\": [\n}\n");
    assertThatThrownBy(() -> ManifestIO.read(f, "m.json"))
        .isExactlyInstanceOf(ManifestException.class)
        .hasMessageStartingWith("m.json: not valid JSON (")
        .hasMessageContaining("at line 4")
        .message().doesNotContain("\n");
  }

  @Test
  void truncatedJsonIsInvalidJson() throws Exception {
    Path f = file("m.json", MINIMAL_JSON.substring(0, MINIMAL_JSON.length() / 2));
    assertThatThrownBy(() -> ManifestIO.read(f, "m.json"))
        .isExactlyInstanceOf(ManifestException.class)
        .hasMessageStartingWith("m.json: not valid JSON")
        .message().doesNotContain("\n");
  }

  @Test
  void invalidYamlIsReportedWithItsPosition() throws Exception {
    Path f = file("m.yaml", "manifest_version: \"1.0\"\ndisks: [\n  - id: d0\n    bad: : :\n");
    assertThatThrownBy(() -> ManifestIO.read(f, "m.yaml"))
        .isExactlyInstanceOf(ManifestException.class)
        .hasMessageStartingWith("m.yaml: not valid YAML (")
        .hasMessageContaining(" at line ")
        .message().doesNotContain("\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"m.json", "m.yaml"})
  void anEmptyFileIsReportedAsEmpty(String name) throws Exception {
    Path empty = file(name, "");
    Path blank = file("blank-" + name, " \n\t\n");
    assertThatThrownBy(() -> ManifestIO.read(empty, name)).isExactlyInstanceOf(ManifestException.class)
        .hasMessage(name + ": the manifest is empty");
    assertThatThrownBy(() -> ManifestIO.read(blank, name)).isExactlyInstanceOf(ManifestException.class)
        .hasMessage(name + ": the manifest is empty");
  }

  @Test
  void aDocumentThatIsNotAnObjectIsRefused() throws Exception {
    Path array = file("m.json", "[1, 2, 3]");
    Path scalar = file("m.yaml", "just a string\n");
    assertThatThrownBy(() -> ManifestIO.read(array, "m.json")).isExactlyInstanceOf(ManifestException.class)
        .hasMessage("m.json: the manifest must be a JSON object");
    assertThatThrownBy(() -> ManifestIO.read(scalar, "m.yaml")).isExactlyInstanceOf(ManifestException.class)
        .hasMessage("m.yaml: the manifest must be a YAML mapping");
  }

  @Test
  void aMissingFileIsReportedByName() {
    Path missing = dir.resolve("absent.json");
    assertThatThrownBy(() -> ManifestIO.read(missing)).isExactlyInstanceOf(ManifestException.class)
        .hasMessage(missing + ": no such file");
  }

  @Test
  void parsedButInvalidManifestsAreLeftToTheValidator() throws Exception {
    Path f = file("m.json", "{\"manifest_version\": \"2.0\", \"disks\": []}");
    ArtifactManifest m = ManifestIO.read(f);
    assertThat(ManifestValidator.validate(m, FileChecks.NONE)).extracting(Violation::field)
        .containsExactly("manifest_version", "disks");
  }

  @Test
  void readLenientReturnsWhatItCanAndNeverThrows() throws Exception {
    Path good = file("m.json", "{\"source\": {\"vm_name\": \"web01\"}, \"vm\": {\"cpu\": \"four\"}}");
    Path broken = file("b.json", "{not json");
    assertThat(ManifestIO.readLenient(good).path("source").path("vm_name").asText()).isEqualTo("web01");
    assertThat(ManifestIO.readLenient(broken).isEmpty()).isTrue();
    assertThat(ManifestIO.readLenient(dir.resolve("absent.json")).isEmpty()).isTrue();
  }

  @Test
  void builderDefaultsToVersion10AndCopiesLists() {
    List<Disk> disks = new java.util.ArrayList<>(List.of(Manifests.disk("d0").build()));
    ArtifactManifest m = ArtifactManifest.builder().disks(disks).build();
    disks.clear();
    assertThat(m.manifestVersion()).isEqualTo("1.0");
    assertThat(m.disks()).hasSize(1);
    assertThat(m.toBuilder().build()).isEqualTo(m);
  }
}
