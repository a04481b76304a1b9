package io.hypersdk.apps.hyperctl.tui;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.Screen;
import io.hypersdk.cli.ExitCode;
import java.io.IOException;
import java.util.List;

/**
 * Drives the wizard's steps on a Lanterna screen (a real terminal, or a virtual one in tests): draws the
 * current step, hands it keys and ticks, and moves forwards and back as it asks.
 */
final class MigrationWizard {
  private static final long TICK_MILLIS = 50;
  private final Screen screen;
  private final WizardModel model;
  private final List<Step> steps;
  private int index;

  MigrationWizard(Screen screen, WizardModel model) {
    this.screen = screen;
    this.model = model;
    this.steps = List.of(new ConnectStep(model), new SelectVmsStep(model), new ExportOptionsStep(model),
        new DaemonPhaseStep(model), new ConfirmStep(model), new RunStep(model), new SummaryStep(model));
  }

  /** Runs until the user quits; 0, or {@link ExitCode#JOB_FAILED} when a VM failed or was cancelled. */
  int run() throws IOException, InterruptedException {
    screen.startScreen();
    screen.setCursorPosition(null);
    try {
      steps.get(0).enter();
      while (true) {
        draw();
        KeyStroke key = screen.pollInput();
        Transition t;
        if (key == null) {
          Thread.sleep(TICK_MILLIS);
          t = current().tick();
        } else if (key.getKeyType() == KeyType.EOF) {
          t = Transition.QUIT;
        } else if (key.getKeyType() == KeyType.Character && key.isCtrlDown() && key.getCharacter() == 'c') {
          t = current().onCtrlC();
        } else {
          t = current().onKey(key);
        }
        if (t == Transition.QUIT) {
          break;
        }
        move(t);
      }
    } finally {
      current().leave();
      screen.stopScreen();
      model.closeSession();
    }
    return model.runs.stream().allMatch(VmRun::succeeded) ? 0 : ExitCode.JOB_FAILED.code();
  }

  private Step current() {
    return steps.get(index);
  }

  private void move(Transition t) {
    int target = index;
    if (t == Transition.NEXT && index < steps.size() - 1) {
      target = index + 1;
    } else if (t == Transition.BACK) {
      target = index - 1;
      while (target > 0 && steps.get(target).skippedOnBack()) {
        target--;
      }
    }
    if (target != index && target >= 0) {
      current().leave();
      index = target;
      current().enter();
    }
  }

  private void draw() throws IOException {
    screen.doResizeIfNecessary();
    screen.clear();
    Canvas c = new Canvas(screen.newTextGraphics(), screen.getTerminalSize());
    c.title(" hyperctl interactive · step " + (index + 1) + "/" + steps.size() + ": " + current().title());
    current().render(c);
    c.help(current().keyHelp());
    screen.refresh();
  }
}
