package io.hypersdk.apps.hyperctl.tui;

import static org.assertj.core.api.Assertions.assertThat;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyType;
import io.hypersdk.providers.Providers;
import io.hypersdk.providers.SettingSpec;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * On a terminal with fewer rows than the provider has settings (80x15), the Connect step's fields scroll: the
 * focused field is always on the screen, arrows say more fields are above or below, the key help stays.
 */
class FormScrollTest extends WizardTest {
  /** The arrows at the right edge of the first and last field rows (the key help's "↑↓" is not at an edge). */
  private static final Pattern MORE_BELOW = Pattern.compile("(?m) ↓$");
  private static final Pattern MORE_ABOVE = Pattern.compile("(?m) ↑$");

  @Test
  void theFocusedFieldStaysOnASmallScreen() throws Exception {
    List<SettingSpec> vsphere = Providers.discover().get("vsphere").settings();
    try (VirtualWizard w = VirtualWizard.local(vms, Files.createDirectories(work.resolve("etc")),
        new TerminalSize(80, 15))) {
      w.shows("< local >");
      String top = w.type(" ").shows("< vsphere >", "URL");
      assertThat(top).as("not all of vsphere's fields fit in 15 rows").doesNotContain("Parallel")
          .containsPattern(MORE_BELOW).doesNotContainPattern(MORE_ABOVE);
      assertThat(w.rowShows(w.lastRow(), "Enter connect")).contains("Enter connect");

      // Down through every field: each one is on the screen, highlighted, when it has the focus.
      for (SettingSpec s : vsphere) {
        w.key(KeyType.ArrowDown);
        String screen = w.shows(SettingFields.hint(s).substring(0, 20));
        assertThat(screen).containsPattern("(?m)^  " + Pattern.quote(SettingFields.label(s)) + "( |$)");
        assertThat(screen.split("\n", -1)).hasSize(16);
        assertThat(w.rowShows(w.lastRow(), "Enter connect")).contains("Enter connect");
      }
      String bottom = w.shows("Parallel");
      assertThat(bottom).as("scrolled down: the first fields are out of view").doesNotContain("< vsphere >")
          .containsPattern(MORE_ABOVE).doesNotContainPattern(MORE_BELOW);

      // Tab wraps to the provider field at the top again.
      w.key(KeyType.Tab);
      assertThat(w.shows("< vsphere >")).doesNotContain("Parallel").containsPattern(MORE_BELOW);
    }
  }
}
