package io.hypersdk.apps.hyperctl.tui;

import static org.assertj.core.api.Assertions.assertThat;

import com.googlecode.lanterna.input.KeyType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every screen of the wizard renders completely in 80x24: title, content and the key help line. */
class ScreensTest extends WizardTest {
  @Test
  void eachScreenFitsIn80x24WithItsKeyHelp() throws Exception {
    Path config = Files.createDirectories(work.resolve("etc"));
    try (VirtualWizard w = VirtualWizard.local(vms, config)) {
      String connect = w.shows("step 1/7: Connect to a provider", "Provider", "< local >", vms.toString());
      assertHelpOnLastRow(w, "Enter connect", "Ctrl+C quit");

      w.key(KeyType.Enter);
      String pick = w.shows("step 2/7: Pick VMs", "web01", "web02", "db01", "0 of 3 selected");
      assertThat(pick).contains("POWER").containsPattern("db01 +- ");
      assertHelpOnLastRow(w, "↑↓ move", "Space select", "/ filter", "Enter next", "Esc back", "q quit");

      w.key(KeyType.Enter);
      w.shows("select at least one VM with Space");
      w.type(" ").key(KeyType.Enter);
      String options = w.shows("step 3/7: Export options", "Output folder", "Format", "< ovf >",
          "Define libvirt domain", "< off >", "libvirt URI", "qemu:///system", "The fix makes each guest boot on KVM");
      assertThat(VirtualWizard.flat(options)).contains("Fix the guest < on >", "Boot check < converter default >");
      assertHelpOnLastRow(w, "Enter next", "Esc back");

      w.key(KeyType.Enter);
      w.shows("give the output folder");
      w.type(work.resolve("out").toString());
      // Down to "Define libvirt domain", switch it on; down to the URI, replace qemu:///system.
      w.key(KeyType.ArrowDown).key(KeyType.ArrowDown).type(" ").key(KeyType.ArrowDown);
      for (int i = 0; i < "qemu:///system".length(); i++) {
        w.key(KeyType.Backspace);
      }
      w.type("test:///default");
      w.shows("< on >", "test:///default");
      // Down to "Fix the guest", off (the sample disks hold no operating system, which the fix refuses); down to
      // "Boot check", off.
      w.key(KeyType.ArrowDown).type(" ").key(KeyType.ArrowDown).type(" ");
      w.shows("Fix the guest < off >", "Boot check < off >");
      w.key(KeyType.Enter);
      w.shows("step 4/7: Pipeline options: daemon configuration", "Daemon mode", "< off >", "Instance",
          "Watch dir", "Output dir", "Poll interval (s)", "Timeout (min)", "Daemon status: daemon mode off",
          "No hyper2kvm instance configured in " + config);
      assertHelpOnLastRow(w, "Enter next", "Esc back");

      w.key(KeyType.Enter);
      w.shows("step 5/7: Confirm", "VMs:       db01", "Libvirt:   define each domain at test:///default",
          "Guest:     left as it is (no fix), boot check off", "Pipeline:  direct mode");
      assertHelpOnLastRow(w, "Enter start the migration", "Esc back", "q quit");

      w.key(KeyType.Enter);
      String summary = w.shows("step 7/7: Summary: 1 of 1 migrated", "db01: ok");
      assertThat(summary).contains("mode: direct (daemon mode not requested)")
          .contains("qcow2: " + work.resolve("out/db01/db01.qcow2")).contains("libvirt domain: db01");
      assertHelpOnLastRow(w, "Enter/q quit", "Esc back to confirm");
      assertThat(work.resolve("out/db01/db01.qcow2")).isRegularFile();
      String manifest = Files.readString(work.resolve("out/db01/artifact-manifest.json"));
      assertThat(manifest.replaceAll("\\s+", "")).contains("\"fix\":{\"enabled\":false")
          .contains("\"boot_check\":{\"mode\":\"off\"}");
      assertThat(Arrays.asList(connect.split("\n"))).allMatch(l -> l.length() <= VirtualWizard.COLUMNS);

      w.type("q");
      assertThat(w.awaitExit()).isZero();
    }
  }

  private static void assertHelpOnLastRow(VirtualWizard w, String... keys) {
    assertThat(w.rowShows(VirtualWizard.ROWS - 1, keys)).contains(keys);
  }
}
