package io.hypersdk.apps.hyperconvert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.Disk;
import io.hypersdk.manifest.ManifestIO;
import io.hypersdk.manifest.Options;
import io.hypersdk.manifest.Output;
import io.hypersdk.manifest.Pipeline;
import io.hypersdk.manifest.VmSpec;
import io.hypersdk.testing.TestDisks;
import io.hypersdk.testing.Tools;
import io.hypersdk.testing.Xml;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** {@code hyperconvert MANIFEST}: outputs, exit codes and one-line errors, in-process and as a real process. */
class HyperConvertCliTest {
  @TempDir Path dir;

  record Run(int exitCode, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }

    List<String> errLines() {
      return err.lines().toList();
    }

    /** An error run prints exactly one line on stderr, and never a stack trace. */
    String singleErrorLine() {
      assertThat(err).doesNotContain("Exception").doesNotContain("\tat ");
      assertThat(errLines()).as("stderr: %s", err).hasSize(1);
      return errLines().get(0);
    }
  }

  /** Runs the CLI in this JVM with captured output. */
  static Run cli(String... args) {
    CommandLine cl = HyperConvert.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Runs the CLI as its own process, for what only the environment can change. */
  static Run process(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), HyperConvert.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().putAll(env);
    Path outFile = Files.createTempFile("hyperconvert", ".out");
    Path errFile = Files.createTempFile("hyperconvert", ".err");
    try {
      Process p = pb.redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("hyperconvert did not finish in 120 s: " + cmd);
      }
      return new Run(p.exitValue(), Files.readString(outFile), Files.readString(errFile));
    } finally {
      Files.deleteIfExists(outFile);
      Files.deleteIfExists(errFile);
    }
  }

  private static List<String> filesUnder(Path root) throws IOException {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString()).sorted().toList();
    }
  }

  private Path writeManifest(String name, ArtifactManifest m) throws IOException {
    Path f = dir.resolve(name);
    ManifestIO.write(m, f);
    return f;
  }

  /** A VM with a vmdk boot disk and a raw data disk, and its manifest in {@code dir}. */
  private Path twoDiskManifest(String fileName) throws IOException {
    Path bootRaw = TestDisks.raw(dir, "boot", 16, 1);
    Path dataRaw = TestDisks.raw(dir, "data", 8, 2);
    Path dataSource = Files.copy(dataRaw, dir.resolve("data-source.img"));
    return writeManifest(fileName, TestDisks.manifest("web server", "job-1", List.of(
        TestDisks.disk("data", dataSource, "raw", 1),
        TestDisks.disk("boot", TestDisks.vmdkSparse(bootRaw), "vmdk", 0))));
  }

  private Path oneDiskManifest(String fileName, String vmName) throws IOException {
    Path raw = TestDisks.raw(dir, "disk0", 8, 3);
    return writeManifest(fileName, TestDisks.manifest(vmName, "job-1", List.of(TestDisks.disk("disk0", raw, "raw", 0))));
  }

  // ---- success ----

  @Test
  void successPrintsOneOutputLinePerDiskAndAResultLine() throws Exception {
    Path manifest = twoDiskManifest("vm.json");
    Path out = dir.resolve("out");

    Run r = cli(manifest.toString(), "--output-dir", out.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    List<String> outputs = r.outLines().stream().filter(l -> l.startsWith("Output: ")).toList();
    assertThat(outputs).containsExactly("Output: " + out.resolve("web_server.qcow2"),
        "Output: " + out.resolve("web_server-data.qcow2"));
    for (String line : outputs) {
      Path p = Path.of(line.substring("Output: ".length()));
      assertThat(p).isAbsolute().isRegularFile();
    }
    assertThat(r.outLines()).filteredOn(l -> l.startsWith("Result: ")).singleElement().satisfies(l ->
        assertThat(l).startsWith("Result: status=completed job_id=job-1 disks=2 domain=" + out.resolve("web_server.xml")));
    assertThat(r.outLines()).contains("Domain: " + out.resolve("web_server.xml"))
        .contains("Stage inspect: done: 2 disk(s), " + (24L << 20) + " bytes virtual");
    assertThat(Tools.sameContent(out.resolve("web_server.qcow2"), dir.resolve("boot.raw"))).isTrue();
    assertThat(Tools.sameContent(out.resolve("web_server-data.qcow2"), dir.resolve("data.raw"))).isTrue();
    assertThat(filesUnder(out)).containsExactly("web_server-data.qcow2", "web_server.qcow2",
        "web_server.result.json", "web_server.xml");
    Xml domain = Xml.parse(Files.readString(out.resolve("web_server.xml")));
    assertThat(domain.value("/domain/devices/disk[boot/@order='1']/source/@file"))
        .isEqualTo(out.resolve("web_server.qcow2").toString());
  }

  @Test
  void outputsGoBesideTheManifestByDefault() throws Exception {
    Path manifest = oneDiskManifest("vm.yaml", "db01");
    List<String> before = filesUnder(dir);

    Run r = cli(manifest.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.outLines()).contains("Output: " + dir.resolve("db01.qcow2"));
    List<String> added = new ArrayList<>(filesUnder(dir));
    added.removeAll(before);
    assertThat(added).containsExactlyInAnyOrder("db01.qcow2", "db01.xml", "db01.result.json");
  }

  @Test
  void theManifestOutputSectionIsHonoured() throws Exception {
    Path raw = TestDisks.compressibleRaw(dir, "text", 8);
    Path target = dir.resolve("from-manifest");
    ArtifactManifest m = TestDisks.manifest("web01", "job-o", List.of(TestDisks.disk("disk0", raw, "raw", 0)))
        .toBuilder().output(new Output(target.toString(), "qcow2", "custom.qcow2"))
        .pipeline(new Pipeline(null, null, new Pipeline.Convert(true, true, null), null)).build();
    Path manifest = writeManifest("vm.json", m);

    Run r = cli(manifest.toString(), "-v");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.outLines()).contains("Output: " + target.resolve("custom.qcow2"));
    assertThat(r.outLines()).filteredOn(l -> l.startsWith("Running: ")).singleElement()
        .satisfies(l -> assertThat(l).startsWith("Running: native convert " + raw).endsWith("(qcow2, compressed)"));
    assertThat(r.outLines()).anySatisfy(l -> assertThat(l).startsWith("Progress: disk 1/1 (disk0) 100%"));
    assertThat(Tools.sameContent(target.resolve("custom.qcow2"), raw)).isTrue();
    assertThat(Files.size(target.resolve("custom.qcow2"))).isLessThan(Files.size(raw) / 4);
  }

  @Test
  void jsonPrintsTheResultAsOneJsonObject() throws Exception {
    Path manifest = twoDiskManifest("vm.json");
    Path out = dir.resolve("out");

    Run r = cli(manifest.toString(), "--json", "--output-dir", out.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.isObject()).isTrue();
    assertThat(r.out().strip()).startsWith("{").endsWith("}");
    assertThat(json.path("status").asText()).isEqualTo("completed");
    assertThat(json.path("job_id").asText()).isEqualTo("job-1");
    assertThat(json.path("vm_name").asText()).isEqualTo("web server");
    assertThat(json.path("outputs")).hasSize(3);
    JsonNode boot = json.path("outputs").get(0);
    assertThat(boot.path("disk_id").asText()).isEqualTo("boot");
    assertThat(boot.path("path").asText()).isEqualTo(out.resolve("web_server.qcow2").toString());
    assertThat(boot.path("sha256").asText()).isEqualTo(io.hypersdk.io.Sha256.ofFile(out.resolve("web_server.qcow2")));
    // Stage lines go to stderr so that stdout stays parseable.
    assertThat(r.err()).contains("Stage convert: done");
    assertThat(r.out()).doesNotContain("Stage ").doesNotContain("Output: ");
  }

  @Test
  void aDryRunWritesNothing() throws Exception {
    Path manifest = twoDiskManifest("vm.json");
    Path out = dir.resolve("out");
    List<String> before = filesUnder(dir);

    Run r = cli(manifest.toString(), "--dry-run", "--output-dir", out.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(out).doesNotExist();
    assertThat(filesUnder(dir)).isEqualTo(before);
    assertThat(r.outLines()).contains("Would write: " + out.resolve("web_server.qcow2"),
        "Would write: " + out.resolve("web_server-data.qcow2"));
    assertThat(r.outLines()).noneMatch(l -> l.startsWith("Output: "));
    assertThat(r.outLines()).anySatisfy(l -> assertThat(l).startsWith("Result: status=dry-run"));
  }

  @Test
  void aDryRunAskedForByTheManifestWritesNothing() throws Exception {
    Path raw = TestDisks.raw(dir, "disk0", 8, 4);
    Path manifest = writeManifest("vm.json", TestDisks.manifest("web01", "job-1",
        List.of(TestDisks.disk("disk0", raw, "raw", 0))).toBuilder().options(new Options(true, null, null)).build());
    List<String> before = filesUnder(dir);

    Run r = cli(manifest.toString(), "--json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(new ObjectMapper().readTree(r.out()).path("status").asText()).isEqualTo("dry-run");
    assertThat(filesUnder(dir)).isEqualTo(before);
  }

  // ---- usage errors: exit 2 ----

  @Test
  void anUnknownOptionIsAUsageError() throws Exception {
    Path manifest = oneDiskManifest("vm.json", "web01");
    Run r = cli(manifest.toString(), "--frobnicate");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--frobnicate").contains("--help").doesNotContain("Exception");
    assertThat(r.out()).isEmpty();
    assertThat(filesUnder(dir)).doesNotContain("web01.qcow2");
  }

  @Test
  void anUnknownConverterIsAUsageError() throws Exception {
    Path manifest = oneDiskManifest("vm.json", "web01");
    Run r = cli(manifest.toString(), "--converter", "fast");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.singleErrorLine()).isEqualTo("hyperconvert: --converter must be native or qemu-img, not 'fast'");
    assertThat(filesUnder(dir)).doesNotContain("web01.qcow2");
  }

  @Test
  void noManifestIsAUsageError() {
    Run r = cli();
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.singleErrorLine()).contains("a MANIFEST is required");
  }

  @Test
  void versionAndHelpExitZero() {
    Run version = cli("--version");
    assertThat(version.exitCode()).isZero();
    assertThat(version.out()).startsWith("hyperconvert ");
    Run help = cli("--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("Exit codes:").contains("5", "validation failed");
  }

  // ---- invalid manifests: exit 9 ----

  static Stream<Arguments> invalidManifests() {
    return Stream.of(
        Arguments.of("version", (Change) m -> m.toBuilder().manifestVersion("2.0").build(), "manifest_version"),
        Arguments.of("relative path", (Change) m -> withDisk(m, m.disks().get(0).localPath()
            .replaceFirst("^/", ""), m.disks().get(0).checksum()), "disks[0].local_path: must be an absolute path"),
        Arguments.of("missing disk file", (Change) m -> withDisk(m, "/nonexistent/disk0.raw", null),
            "disks[0].local_path: file /nonexistent/disk0.raw does not exist"),
        Arguments.of("checksum mismatch", (Change) m -> withDisk(m, m.disks().get(0).localPath(),
            "sha256:" + "0".repeat(64)), "disks[0].checksum: does not match"),
        Arguments.of("bad firmware", (Change) m -> m.toBuilder().vm(new VmSpec(2, 2, "openfirmware", null, null,
            null)).build(), "vm.firmware: must be bios, uefi or unknown"),
        Arguments.of("no disks", (Change) m -> m.toBuilder().disks(List.of()).build(),
            "disks: at least one disk is required"),
        Arguments.of("unsafe vm name", (Change) m -> m.toBuilder().source(new io.hypersdk.manifest.Source("local",
            "vm-1", "../escape", null, null, null)).build(), "source.vm_name \"../escape\" is not allowed"),
        Arguments.of("unsafe job id", (Change) m -> m.toBuilder().metadata(new io.hypersdk.manifest.Metadata("test",
            "../job", null, null)).build(), "metadata.job_id \"../job\" is not allowed"));
  }

  interface Change {
    ArtifactManifest apply(ArtifactManifest m);
  }

  private static ArtifactManifest withDisk(ArtifactManifest m, String localPath, String checksum) {
    Disk d = m.disks().get(0);
    return m.toBuilder().disks(List.of(new Disk(d.id(), d.sourceFormat(), d.bytes(), localPath, checksum,
        d.bootOrderHint(), d.label(), d.diskType()))).build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidManifests")
  void anInvalidManifestExits9WithOneLineNamingTheField(String name, Change change, String expected)
      throws Exception {
    Path raw = TestDisks.raw(dir, "disk0", 4, 5);
    ArtifactManifest valid = TestDisks.manifest("web01", "job-1", List.of(TestDisks.disk("disk0", raw, "raw", 0)));
    Path manifest = writeManifest("vm.json", change.apply(valid));
    Path out = dir.resolve("out");

    Run r = cli(manifest.toString(), "--output-dir", out.toString());

    assertThat(r.exitCode()).isEqualTo(9);
    assertThat(r.singleErrorLine()).startsWith("hyperconvert: ").contains(expected);
    if (name.equals("checksum mismatch")) {
      // Checked by the conversion's own read of the source, so stages ran; nothing was published.
      assertThat(r.out()).doesNotContain("Output: ");
      assertThat(filesUnder(out)).isEmpty();
    } else {
      assertThat(r.out()).isEmpty();
      assertThat(out).doesNotExist();
    }
  }

  @Test
  void aTruncatedSourceIsCaughtByItsChecksum() throws Exception {
    Path raw = TestDisks.raw(dir, "disk0", 8, 6);
    Path vmdk = TestDisks.vmdkSparse(raw);
    Path manifest = writeManifest("vm.json", TestDisks.manifest("web01", "job-1",
        List.of(TestDisks.disk("disk0", vmdk, "vmdk", 0))));
    try (var f = new java.io.RandomAccessFile(vmdk.toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }

    Run r = cli(manifest.toString(), "--output-dir", dir.resolve("out").toString());

    assertThat(r.exitCode()).isEqualTo(9);
    assertThat(r.singleErrorLine()).contains("disks[0].checksum: does not match " + vmdk);
  }

  static Stream<Arguments> unreadableManifests() {
    return Stream.of(
        Arguments.of("type error", "vm.json", "{\"manifest_version\": \"1.0\", \"vm\": {\"cpu\": \"four\"}}",
            "vm.cpu: expected a whole number"),
        Arguments.of("invalid JSON", "vm.json", "{\"manifest_version\": \"1.0\",,}", "not valid JSON"),
        Arguments.of("invalid YAML", "vm.yaml", "manifest_version: \"1.0\"\ndisks: [\n  - : :\n", "not valid YAML"),
        Arguments.of("empty file", "vm.json", "", "the manifest is empty"),
        Arguments.of("not an object", "vm.json", "[]", "the manifest must be a JSON object"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unreadableManifests")
  void anUnreadableManifestExits9WithOneLine(String name, String file, String text, String expected)
      throws Exception {
    Path manifest = Files.writeString(dir.resolve(file), text, StandardCharsets.UTF_8);

    Run r = cli(manifest.toString());

    assertThat(r.exitCode()).isEqualTo(9);
    assertThat(r.singleErrorLine()).startsWith("hyperconvert: invalid manifest: ").contains(expected);
  }

  @Test
  void aMissingManifestFileExits9() {
    Path missing = dir.resolve("absent.json");
    Run r = cli(missing.toString());
    assertThat(r.exitCode()).isEqualTo(9);
    assertThat(r.singleErrorLine()).isEqualTo("hyperconvert: invalid manifest: " + missing + ": no such file");
  }

  @Test
  void aDeclaredFormatContradictingTheFileExits9() throws Exception {
    Path qcow2 = TestDisks.qcow2(TestDisks.raw(dir, "disk0", 4, 7));
    Path manifest = writeManifest("vm.json", TestDisks.manifest("web01", "job-1",
        List.of(TestDisks.disk("disk0", qcow2, "raw", 0))));
    Path out = dir.resolve("out");

    Run r = cli(manifest.toString(), "--output-dir", out.toString());

    assertThat(r.exitCode()).isEqualTo(9);
    assertThat(r.singleErrorLine()).contains("disk disk0: source_format is raw but " + qcow2 + " is a qcow2 image");
    assertThat(filesUnder(out)).isEmpty();
  }

  // ---- conversion failures: exit 5 ----

  @Test
  void aCorruptSourceDiskExits5AndLeavesNothing() throws Exception {
    Path bootRaw = TestDisks.raw(dir, "boot", 8, 8);
    Path garbage = TestDisks.garbage(dir, "data.vmdk", 1 << 20, 9);
    Path manifest = writeManifest("vm.json", TestDisks.manifest("web01", "job-1", List.of(
        TestDisks.disk("boot", TestDisks.vmdkSparse(bootRaw), "vmdk", 0), TestDisks.disk("data", garbage, "vmdk", 1))));
    Path out = dir.resolve("out");

    Run r = cli(manifest.toString(), "--json", "--output-dir", out.toString());

    assertThat(r.exitCode()).isEqualTo(5);
    assertThat(r.out()).isEmpty();
    assertThat(r.errLines()).filteredOn(l -> !l.startsWith("Stage ")).singleElement()
        .satisfies(l -> assertThat(l).startsWith("hyperconvert: qemu-img could not convert " + garbage));
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(filesUnder(out)).as("no output and no staging folder").isEmpty();
  }

  // ---- the environment: real processes ----

  @Test
  void aQemuImgOverrideThatIsNotThereExits6() throws Exception {
    Path manifest = oneDiskManifest("vm.json", "web01");
    Path out = dir.resolve("out");
    Path missing = dir.resolve("no/such/qemu-img");

    Run r = process(Map.of("HYPERSDK_QEMU_IMG", missing.toString()), manifest.toString(), "--output-dir",
        out.toString());

    assertThat(r.exitCode()).as(r.err()).isEqualTo(6);
    assertThat(r.singleErrorLine())
        .isEqualTo("hyperconvert: HYPERSDK_QEMU_IMG=" + missing + " is not an executable file");
    assertThat(filesUnder(out)).isEmpty();
  }

  @Test
  void aConvertedImageFailingQemuImgCheckExits8AndLeavesNothing() throws Exception {
    Path wrapper = TestDisks.corruptingQemuImg(Files.createDirectories(dir.resolve("bin")));
    Path manifest = oneDiskManifest("vm.json", "web01");
    Path out = dir.resolve("out");

    // --converter qemu-img: the raw disk would otherwise go to the native converter, not the corrupting qemu-img.
    Run r = process(Map.of("HYPERSDK_QEMU_IMG", wrapper.toString()), manifest.toString(), "--output-dir",
        out.toString(), "--converter", "qemu-img");

    assertThat(r.exitCode()).as("stdout: %s%nstderr: %s", r.out(), r.err()).isEqualTo(8);
    assertThat(r.singleErrorLine())
        .startsWith("hyperconvert: converted disk disk0 failed its integrity check: qemu-img check exit 2");
    assertThat(r.out()).contains("Stage convert: done").doesNotContain("Output: ");
    assertThat(filesUnder(out)).as("no output and no staging folder").isEmpty();
  }

  @Test
  void theRealProcessSucceedsWithTheRealQemuImg() throws Exception {
    Path manifest = oneDiskManifest("vm.json", "web01");
    Path out = dir.resolve("out");

    Run r = process(Map.of("HYPERSDK_QEMU_IMG", Tools.require("qemu-img", "qemu-utils").toString()),
        manifest.toString(), "--output-dir", out.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.outLines()).contains("Output: " + out.resolve("web01.qcow2"));
    assertThat(Tools.sameContent(out.resolve("web01.qcow2"), dir.resolve("disk0.raw"))).isTrue();
  }
}
