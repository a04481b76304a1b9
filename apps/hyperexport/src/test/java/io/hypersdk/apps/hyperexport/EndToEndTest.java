package io.hypersdk.apps.hyperexport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the end-to-end tests: the sample VMs (built once per class), a work folder per test, and a
 * launcher whose processes are all stopped after each test, whether it passed or not. Test classes run one
 * after another (the sample is a static field shared by the subclasses). The sample VMs' disks hold no
 * operating system, which the converter's fix stage refuses, so the tests that convert pass {@code --no-fix}.
 */
@Timeout(180)
abstract class EndToEndTest {
  @TempDir
  static Path sampleDir;
  static SampleVm vm;

  @TempDir
  Path work;
  Launcher tools;

  @BeforeAll
  static void buildSample() throws IOException {
    Tools.require("qemu-img", "qemu-utils");
    vm = SampleVm.build(sampleDir);
  }

  @BeforeEach
  void newLauncher() {
    tools = new Launcher(work);
  }

  @AfterEach
  void stopEverything() {
    tools.close();
  }

  /** A folder under this test's work folder. */
  Path dir(String name) {
    try {
      return Files.createDirectories(work.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A queue's watch and output folders, created. */
  record Queue(Path watch, Path output) {}

  Queue queue(String name) {
    return new Queue(dir(name + "/queue"), dir(name + "/output"));
  }

  /** The folder for stand-in commands, first on the children's PATH. */
  Path bin() {
    Path bin = dir("bin");
    tools.pathFirst(bin);
    return bin;
  }

  /** Manifests at the top level of a watch dir (what a daemon would still take). */
  static List<String> pendingManifests(Path watchDir) {
    try (Stream<Path> s = Files.list(watchDir)) {
      return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(".")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> names(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the user sees on errors: never a Java exception or a stack trace. */
  static void assertNoStackTrace(Result r) {
    assertThat(r.stderr()).as("stderr of %s", r.label()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(r.stdout()).as("stdout of %s", r.label()).doesNotContain("\tat ");
  }

  /**
   * The converted disks of a run through the daemon's {@code instance} (its --json result), each compared with
   * the raw disk it must hold, in order.
   */
  static void assertConvertedByInstance(Result r, String instance, Path... raw) {
    JsonNode p = r.json().path("pipeline");
    assertThat(p.path("execution").path("mode").asText()).isEqualTo("daemon");
    assertThat(p.path("execution").path("heartbeat").asText()).endsWith("-" + instance);
    List<String> outputs = new ArrayList<>();
    p.path("outputs").forEach(o -> outputs.add(o.asText()));
    assertThat(outputs).hasSize(raw.length);
    for (int i = 0; i < raw.length; i++) {
      assertThat(Tools.run(List.of("qemu-img", "compare", "-f", "raw", "-F", "qcow2",
          raw[i].toString(), outputs.get(i)))).contains("Images are identical");
    }
  }

  /** The manifest a cloud export wrote into {@code out}: its source and the VM's facts. */
  static void assertCloudManifest(Path out, String provider, String datacenter, String method, int cpu, int memGb,
      String firmware, String mac) throws IOException {
    JsonNode m = new ObjectMapper()
        .readTree(out.resolve("artifact-manifest.json").toFile());
    assertThat(m.path("source").path("provider").asText()).isEqualTo(provider);
    assertThat(m.path("source").path("datacenter").asText()).isEqualTo(datacenter);
    assertThat(m.path("source").path("export_method").asText()).isEqualTo(method);
    assertThat(m.path("vm").path("cpu").asInt()).isEqualTo(cpu);
    assertThat(m.path("vm").path("mem_gb").asInt()).isEqualTo(memGb);
    assertThat(m.path("vm").path("firmware").asText()).isEqualTo(firmware);
    assertThat(m.path("disks").get(0).path("boot_order_hint").asInt()).isZero();
    assertThat(m.path("nics").get(0).path("mac").asText()).isEqualTo(mac);
  }

  /** The lines hyperexport itself wrote as errors ({@code hyperexport: ...}). */
  static List<String> errorLines(Result r) {
    return r.stderrLines().stream().filter(l -> l.startsWith("hyperexport:")).toList();
  }

  /** Both disks of web01 converted to qcow2 in {@code dir}, with the source content. */
  static void assertWebConverted(Path dir) {
    Path boot = dir.resolve("web01.qcow2");
    Path data = dir.resolve("web01-disk-1.qcow2");
    assertThat(boot).isRegularFile();
    assertThat(data).isRegularFile();
    assertThat(Tools.sameContent(vm.webBootRaw(), boot)).as("%s has the boot disk's content", boot).isTrue();
    assertThat(Tools.sameContent(vm.webDataRaw(), data)).as("%s has the data disk's content", data).isTrue();
    assertThat(Tools.sameContent(vm.webDataRaw(), boot)).as("the disks are not mixed up").isFalse();
  }
}
