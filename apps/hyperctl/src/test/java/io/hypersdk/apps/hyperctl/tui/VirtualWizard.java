package io.hypersdk.apps.hyperctl.tui;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import io.hypersdk.apps.hyperconvert.HyperConvert;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The wizard running on Lanterna's virtual terminal (80x24 unless a test asks for another size) in a thread of
 * the test: keys go in as KeyStrokes, the screen is read back as text.
 */
final class VirtualWizard implements AutoCloseable {
  static final int COLUMNS = 80;
  static final int ROWS = 24;
  /** How long a screen may take to show something: generous, since CI machines are shared and loaded. */
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  final DefaultVirtualTerminal terminal;
  final WizardModel model;
  private final int rows;
  private final Thread thread;
  private final AtomicInteger exit = new AtomicInteger(-1);
  private volatile Throwable failure;

  private VirtualWizard(WizardModel model, TerminalSize size) throws IOException {
    this.model = model;
    this.terminal = new DefaultVirtualTerminal(size);
    this.rows = size.getRows();
    MigrationWizard wizard = new MigrationWizard(new TerminalScreen(terminal), model);
    thread = new Thread(() -> {
      try {
        exit.set(wizard.run());
      } catch (Throwable t) {
        failure = t;
      }
    }, "wizard-under-test");
    thread.start();
  }

  /** A wizard whose first screen is the local provider on {@code source}, instances read from {@code configDir}. */
  static VirtualWizard local(Path source, Path configDir) throws IOException {
    return local(source, configDir, new TerminalSize(COLUMNS, ROWS));
  }

  /** The same on a terminal of {@code size}. */
  static VirtualWizard local(Path source, Path configDir, TerminalSize size) throws IOException {
    WizardModel m = new WizardModel(configDir, HyperConvert.inThisJvm());
    m.settings().put("root", source.toString());
    return new VirtualWizard(m, size);
  }

  /** A wizard on an 80x24 terminal whose model a test has prepared (provider, settings, hypervisord). */
  static VirtualWizard of(WizardModel m) throws IOException {
    return new VirtualWizard(m, new TerminalSize(COLUMNS, ROWS));
  }

  VirtualWizard type(String text) {
    for (char c : text.toCharArray()) {
      terminal.addInput(new KeyStroke(c, false, false));
    }
    return this;
  }

  VirtualWizard key(KeyType type) {
    terminal.addInput(new KeyStroke(type));
    return this;
  }

  VirtualWizard ctrlC() {
    terminal.addInput(new KeyStroke('c', true, false));
    return this;
  }

  /** The whole screen, one line per row, trailing blanks removed. */
  String text() {
    StringBuilder sb = new StringBuilder();
    TerminalSize size = terminal.getTerminalSize();
    for (int row = 0; row < size.getRows(); row++) {
      StringBuilder line = new StringBuilder();
      for (int col = 0; col < size.getColumns(); col++) {
        line.append(terminal.getCharacter(col, row).getCharacterString());
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString();
  }

  /** The last row, where the key help is. */
  int lastRow() {
    return rows - 1;
  }

  /** One row of the screen. */
  String row(int row) {
    return text().split("\n", -1)[row];
  }

  /**
   * Waits until row {@code row} shows all of {@code texts}: a screen is drawn row by row, so the rest of it
   * can be read before its last row is.
   */
  String rowShows(int row, String... texts) {
    String[] last = {""};
    try {
      org.awaitility.Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50))
          .until(() -> {
            last[0] = row(row);
            return java.util.Arrays.stream(texts).allMatch(last[0]::contains);
          });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("row " + row + " never showed " + String.join(" | ", texts) + "; it shows: "
          + last[0] + "\nscreen:\n" + text(), e);
    }
    return last[0];
  }

  /** Text with every run of blanks and line ends as one space, so wrapped lines still match. */
  static String flat(String s) {
    return s.replaceAll("\\s+", " ");
  }

  /** Waits until the screen shows all of {@code texts} (wrapped or not); fails with the screen as it was. */
  String shows(String... texts) {
    return shows(TIMEOUT, texts);
  }

  String shows(Duration atMost, String... texts) {
    String[] last = {""};
    try {
      org.awaitility.Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> {
        if (failure != null) {
          throw new AssertionError("the wizard failed", failure);
        }
        last[0] = text();
        String flat = flat(last[0]);
        for (String t : texts) {
          if (!flat.contains(flat(t))) {
            return false;
          }
        }
        return true;
      });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("the screen never showed " + String.join(" | ", texts) + "; it shows:\n" + last[0], e);
    }
    return last[0];
  }

  /** Waits for the wizard to end; its exit code. */
  int awaitExit() throws InterruptedException {
    thread.join(Duration.ofSeconds(30).toMillis());
    if (failure != null) {
      throw new AssertionError("the wizard failed", failure);
    }
    return exit.get();
  }

  @Override
  public void close() throws InterruptedException {
    if (thread.isAlive()) {
      key(KeyType.EOF);
      thread.join(Duration.ofSeconds(30).toMillis());
    }
  }
}
