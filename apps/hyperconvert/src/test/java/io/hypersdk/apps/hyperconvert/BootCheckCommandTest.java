package io.hypersdk.apps.hyperconvert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.manifest.ManifestIO;
import io.hypersdk.testing.Initramfs;
import io.hypersdk.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hyperconvert boot-check}: real TCG boots of the host kernel with a tiny initramfs, as a real process. */
class BootCheckCommandTest {
  static final Map<String, String> TCG = Map.of("HYPERSDK_ACCEL", "tcg");

  @TempDir Path dir;

  Path domain(String init) throws Exception {
    Tools.require("qemu-system-x86_64", "qemu-system-x86");
    Path initrd = Initramfs.withInit(dir.resolve("initrd.cpio"), init);
    Path xml = dir.resolve("guest.xml");
    Files.writeString(xml, "<domain type='kvm'><name>guest</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>"
        + "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>" + Initramfs.hostKernel() + "</kernel><initrd>"
        + initrd + "</initrd><cmdline>console=ttyS0 panic=-1 quiet</cmdline></os><devices/></domain>");
    return xml;
  }

  @Test
  void aGuestAtItsLoginPromptPassesWithExitZeroAndJson() throws Exception {
    Path xml = domain("echo 'Debian GNU/Linux 12 guest ttyS0'; printf 'guest login: '; while :; do read x; done");
    HyperConvertCliTest.Run r = HyperConvertCliTest.process(TCG, "boot-check", xml.toString(), "--timeout", "60",
        "--json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode report = ManifestIO.jsonMapper().readTree(r.out());
    assertThat(report.path("status").asText()).isEqualTo("passed");
    assertThat(report.path("accel").asText()).isEqualTo("tcg");
    assertThat(report.path("boot_seconds").asDouble()).isPositive();
    assertThat(report.path("serial_tail").toString()).contains("guest login:");
  }

  @Test
  void aFailedBootExitsWithTheConversionFailedCodeAndShowsTheConsole() throws Exception {
    Path xml = domain("echo 'ALERT!  /dev/sda1 does not exist.  Dropping to a shell!'; while :; do read x; done");
    HyperConvertCliTest.Run r = HyperConvertCliTest.process(TCG, "boot-check", xml.toString(), "--timeout", "60");
    assertThat(r.exitCode()).isEqualTo(5);
    assertThat(r.outLines()).contains("  ALERT!  /dev/sda1 does not exist.  Dropping to a shell!");
    assertThat(r.outLines()).last().asString().startsWith("Boot check: failed: the root device was not found "
        + "(ALERT!  /dev/sda1 does not exist)").endsWith("(accel tcg)");
  }

  /** A manifest of one disk without an OS: the firmware finds nothing to boot. */
  Path manifestWithoutOs() throws Exception {
    Path m = dir.resolve("vm.json");
    io.hypersdk.manifest.ManifestIO.write(io.hypersdk.testing.TestDisks.manifest("nos", "job-nos", java.util.List.of(
        io.hypersdk.testing.TestDisks.disk("boot", io.hypersdk.testing.TestDisks.raw(dir, "boot", 8, 5), "raw", 0))), m);
    return m;
  }

  @Test
  void convertingWithBootCheckWarnPublishesAndSaysWhyTheGuestDidNotBoot() throws Exception {
    Tools.require("qemu-system-x86_64", "qemu-system-x86");
    HyperConvertCliTest.Run r = HyperConvertCliTest.process(TCG, manifestWithoutOs().toString(), "--output-dir",
        dir.resolve("out").toString(), "--boot-check=warn", "--boot-check-timeout", "60");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.outLines()).contains("Boot check: failed: no boot disk found by the firmware (Boot failed: not a "
        + "bootable disk) (accel tcg)", "Warning: boot check failed (boot_check: warn, so the job goes on): no boot "
        + "disk found by the firmware (Boot failed: not a bootable disk)");
    assertThat(dir.resolve("out").resolve("nos.qcow2")).exists();
  }

  @Test
  void convertingWithBootCheckOnFailsWithOneLineAndShowsTheConsole() throws Exception {
    Tools.require("qemu-system-x86_64", "qemu-system-x86");
    HyperConvertCliTest.Run r = HyperConvertCliTest.process(TCG, manifestWithoutOs().toString(), "--output-dir",
        dir.resolve("out").toString(), "--boot-check");
    assertThat(r.exitCode()).isEqualTo(5);
    assertThat(r.singleErrorLine()).isEqualTo("hyperconvert: boot check failed: no boot disk found by the firmware "
        + "(Boot failed: not a bootable disk)");
    assertThat(r.outLines()).contains("  No bootable device.");
    assertThat(dir.resolve("out").resolve("nos.qcow2")).doesNotExist();
  }

  @Test
  void badBootCheckFlagsAreUsageErrors() throws Exception {
    Path m = manifestWithoutOs();
    assertThat(HyperConvertCliTest.cli(m.toString(), "--boot-check=always").singleErrorLine())
        .isEqualTo("hyperconvert: --boot-check must be on, warn or off, not 'always'");
    HyperConvertCliTest.Run low = HyperConvertCliTest.cli(m.toString(), "--boot-check-timeout", "5");
    assertThat(low.exitCode()).isEqualTo(2);
    assertThat(low.singleErrorLine()).isEqualTo("hyperconvert: --boot-check-timeout must be at least 10 seconds, not 5");
  }

  @Test
  void badInputIsOneLine() throws Exception {
    HyperConvertCliTest.Run missing = HyperConvertCliTest.cli("boot-check", dir.resolve("none.xml").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.singleErrorLine()).isEqualTo("hyperconvert boot-check: " + dir.resolve("none.xml")
        + " is not a readable file; give the domain XML to boot");
    Path notXml = Files.writeString(dir.resolve("x.xml"), "not xml");
    HyperConvertCliTest.Run bad = HyperConvertCliTest.process(TCG, "boot-check", notXml.toString());
    assertThat(bad.exitCode()).isEqualTo(5);
    assertThat(bad.singleErrorLine()).startsWith("hyperconvert boot-check: the domain XML " + notXml
        + " is not valid XML: ");
    HyperConvertCliTest.Run timeout = HyperConvertCliTest.cli("boot-check", notXml.toString(), "--timeout", "0");
    assertThat(timeout.singleErrorLine()).isEqualTo(
        "hyperconvert boot-check: --timeout must be a positive number of seconds, not 0");
  }
}
