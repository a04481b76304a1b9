package io.hypersdk.apps.hyperctl.tui;

import io.hypersdk.testing.Tools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A tmux server of its own (a private socket, {@code tmux -L NAME}) running one command in an 80x24 window:
 * keys go in with send-keys, the screen comes back with capture-pane. Closing kills only this server.
 */
final class Tmux implements AutoCloseable {
  private final String socket;

  private Tmux(String socket) {
    this.socket = socket;
  }

  /** Starts {@code script} in a detached 80x24 session. */
  static Tmux start(Path script) {
    Tools.require("tmux", "tmux");
    Tmux t = new Tmux("hyperctl-e2e-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    t.tmux("new-session", "-d", "-x", "80", "-y", "24", script.toString());
    return t;
  }

  void sendKeys(String... keys) {
    List<String> args = new ArrayList<>(List.of("send-keys", "-t", "0"));
    args.addAll(List.of(keys));
    tmux(args.toArray(String[]::new));
  }

  /** The visible pane, as text. */
  String capture() {
    return tmux("capture-pane", "-p", "-t", "0");
  }

  /** Waits until the pane shows all of {@code texts} (wrapped or not); fails with the pane as it was. */
  String shows(Duration atMost, String... texts) throws InterruptedException {
    long end = System.nanoTime() + atMost.toNanos();
    String last = "";
    while (System.nanoTime() < end) {
      last = capture();
      String flat = VirtualWizard.flat(last);
      boolean all = true;
      for (String t : texts) {
        all &= flat.contains(VirtualWizard.flat(t));
      }
      if (all) {
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("tmux never showed " + String.join(" | ", texts) + "; it shows:\n" + last);
  }

  private String tmux(String... args) {
    List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
    cmd.addAll(List.of(args));
    Tools.Outcome o = Tools.exec(cmd);
    if (o.exitCode() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed: " + o.output());
    }
    return o.output();
  }

  @Override
  public void close() {
    Tools.exec(List.of("tmux", "-L", socket, "kill-server"));
  }
}
