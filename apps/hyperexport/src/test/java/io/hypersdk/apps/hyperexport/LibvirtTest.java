package io.hypersdk.apps.hyperexport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.testing.Tools;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code --libvirt}: the converted VM defined with virsh, on libvirt's test driver. */
class LibvirtTest extends EndToEndTest {

  @BeforeEach
  void needsVirsh() {
    Tools.require("virsh", "libvirt-clients");
  }

  @Test
  void theDomainIsDefinedOnTheTestDriver() {
    Path out = work.resolve("export");
    Result r = tools.hyperexport("--provider", "local", "--vm", vm.ova().toString(), "--output", out.toString(),
        "--pipeline", "--no-fix", "--libvirt", "--libvirt-uri", "test:///default", "--libvirt-autostart");

    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.values("Libvirt domain")).as("%s", r).containsExactly("web01 on test:///default");
    assertThat(r.stderr()).contains("defined libvirt domain web01 on test:///default (autostart)");
    assertThat(r.stderr()).doesNotContain("warning:");
    assertWebConverted(out);
  }

  @Test
  void jsonSaysTheDomainWasDefined() {
    Path out = work.resolve("export");
    Result r = tools.hyperexport("--provider", "local", "--vm", vm.dbVmdk().toString(), "--output",
        out.toString(), "--pipeline", "--no-fix", "--libvirt", "--libvirt-uri", "test:///default", "--json", "-q");

    assertThat(r.exit()).as("%s", r).isZero();
    JsonNode p = r.json().path("pipeline");
    assertThat(p.path("libvirt_defined").asBoolean()).isTrue();
    assertThat(p.path("libvirt_domain").asText()).isEqualTo("db01");
    assertThat(p.path("domain_xml").asText()).isEqualTo(out.resolve("db01.xml").toString());
    assertThat(p.path("durations_ms").has("libvirt")).isTrue();
  }

  @Test
  void aBadUriIsAWarningAndTheDisksAreKept() {
    Path out = work.resolve("export");
    Result r = tools.hyperexport("--provider", "local", "--vm", vm.dbVmdk().toString(), "--output",
        out.toString(), "--pipeline", "--no-fix", "--libvirt", "--libvirt-uri", "test:///nonexistent.xml", "--json");

    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.stderrLines()).anySatisfy(l -> assertThat(l)
        .startsWith("warning: libvirt: virsh -c test:///nonexistent.xml define failed")
        .endsWith("the converted disks are kept"));
    JsonNode p = r.json().path("pipeline");
    assertThat(p.path("success").asBoolean()).isTrue();
    assertThat(p.path("libvirt_defined").asBoolean(true)).isFalse();
    assertThat(p.path("warnings")).extracting(JsonNode::asText)
        .anySatisfy(w -> assertThat(w).contains("test:///nonexistent.xml"));
    assertThat(Tools.sameContent(vm.dbRaw(), out.resolve("db01.qcow2"))).isTrue();
    assertThat(out.resolve("db01.xml")).isRegularFile();
  }
}
