package io.hypersdk.apps.hyperctl.tui;

import static org.assertj.core.api.Assertions.assertThat;

import com.googlecode.lanterna.input.KeyType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The VM list: the filter narrows it, Space and 'a' select several, the selection survives the filter. */
class VmSelectionTest extends WizardTest {
  @Test
  void filterThenMultiSelect() throws Exception {
    try (VirtualWizard w = VirtualWizard.local(vms, Files.createDirectories(work.resolve("etc")))) {
      w.shows("step 1/7");
      w.key(KeyType.Enter);
      w.shows("step 2/7: Pick VMs", "db01", "web01", "web02");

      w.type("/web");
      String filtering = w.shows("filter: web_", "type the filter");
      assertThat(filtering).doesNotContain("db01").contains("web01").contains("web02");
      w.key(KeyType.Enter).type("a");
      String selected = w.shows("2 of 3 selected   filter: web");
      assertThat(selected).containsPattern("\\[x\\] web01").containsPattern("\\[x\\] web02");

      // Clearing the filter shows db01 again, unselected, and keeps the two web VMs selected.
      w.type("/").key(KeyType.Backspace).key(KeyType.Backspace).key(KeyType.Backspace).key(KeyType.Enter);
      String all = w.shows("db01", "2 of 3 selected   filter:");
      assertThat(all).containsPattern("\\[ \\] db01").containsPattern("\\[x\\] web01").containsPattern("\\[x\\] web02");

      // The cursor is on db01 (first row): Space selects it, Space again leaves it out; Down then Space drops web01.
      w.type(" ");
      w.shows("3 of 3 selected");
      w.type(" ").key(KeyType.ArrowDown).type(" ");
      String one = w.shows("1 of 3 selected");
      assertThat(one).containsPattern("\\[ \\] web01").containsPattern("\\[x\\] web02");

      w.key(KeyType.Enter).type(work.resolve("out").toString()).key(KeyType.Enter);
      w.shows("step 4/7");
      w.key(KeyType.Enter);
      String confirm = w.shows("step 5/7: Confirm");
      assertThat(confirm).contains("VMs:       web02").doesNotContain("web01").doesNotContain("db01");
      w.type("q");
      assertThat(w.awaitExit()).isZero();
    }
  }
}
