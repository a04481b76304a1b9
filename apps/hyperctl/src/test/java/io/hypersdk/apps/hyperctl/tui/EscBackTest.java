package io.hypersdk.apps.hyperctl.tui;

import static org.assertj.core.api.Assertions.assertThat;

import com.googlecode.lanterna.input.KeyType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Esc goes back one step at a time and every screen still shows what was entered on it. */
class EscBackTest extends WizardTest {
  @Test
  void escapeKeepsEveryValue() throws Exception {
    Path out = work.resolve("exports");
    try (VirtualWizard w = VirtualWizard.local(vms, Files.createDirectories(work.resolve("etc")))) {
      w.shows("step 1/7");
      w.key(KeyType.Enter);
      w.shows("step 2/7");
      w.key(KeyType.ArrowDown).key(KeyType.ArrowDown).type(" ").key(KeyType.Enter);
      w.shows("step 3/7");
      w.type(out.toString()).key(KeyType.ArrowDown).type(" ").key(KeyType.Enter);
      w.shows("step 4/7");
      // Daemon mode on; poll interval 5 -> 2; timeout 60 -> 9.
      w.type(" ").key(KeyType.ArrowDown).key(KeyType.ArrowDown).key(KeyType.ArrowDown).key(KeyType.ArrowDown)
          .key(KeyType.Backspace).type("2").key(KeyType.ArrowDown).key(KeyType.Backspace).key(KeyType.Backspace)
          .type("9").key(KeyType.Enter);
      w.shows("step 5/7", "poll every 2 s, give up after 9 min", "web02", out + " (ova)");

      w.key(KeyType.Escape);
      String daemon = w.shows("step 4/7");
      assertThat(daemon).contains("< on >").containsPattern("Poll interval \\(s\\) +2").containsPattern("Timeout \\(min\\) +9");
      w.key(KeyType.Escape);
      assertThat(w.shows("step 3/7")).contains(out.toString()).contains("< ova >");
      w.key(KeyType.Escape);
      assertThat(w.shows("step 2/7", "1 of 3 selected")).containsPattern("\\[x\\] web02");
      w.key(KeyType.Escape);
      assertThat(w.shows("step 1/7")).contains(vms.toString());

      // Forward again: nothing was lost on the way back.
      w.key(KeyType.Enter);
      assertThat(w.shows("step 2/7", "1 of 3 selected")).containsPattern("\\[x\\] web02");
      w.key(KeyType.Enter);
      assertThat(w.shows("step 3/7")).contains(out.toString());
      w.key(KeyType.Enter);
      w.shows("step 4/7", "< on >");
      w.key(KeyType.Enter);
      w.shows("step 5/7", "poll every 2 s, give up after 9 min");
      w.type("q");
      assertThat(w.awaitExit()).isZero();
    }
  }
}
