package io.hypersdk.apps.hyperctl.tui;

import com.googlecode.lanterna.input.KeyStroke;
import java.nio.file.Path;

/** Step 6: the migration running, one progress line per VM; moves on to the summary when all have ended. */
final class RunStep implements Step {
  private final WizardModel m;
  private Thread worker;

  RunStep(WizardModel m) {
    this.m = m;
  }

  @Override
  public String title() {
    return "Migrating";
  }

  @Override
  public String keyHelp() {
    return worker != null && worker.isInterrupted() ? "cancelling: withdrawing what is queued…"
        : "running; the summary follows  Ctrl+C cancel";
  }

  @Override
  public boolean skippedOnBack() {
    return true;
  }

  @Override
  public void enter() {
    MigrationBatch batch = new MigrationBatch(m.session, m.selectedVms(),
        Path.of(m.outputDir.strip()).toAbsolutePath().normalize(), m.exportFormat(), m.pipelineOptions());
    m.runs = batch.runs();
    worker = new Thread(batch, "hyperctl-migration");
    worker.start();
  }

  @Override
  public void render(Canvas c) {
    int row = Canvas.TOP;
    for (VmRun r : m.runs) {
      if (row + 1 > c.bottom()) {
        break;
      }
      c.text(0, row++, r.progressLine(20));
      c.text(4, row++, r.lastMessage());
    }
  }

  @Override
  public Transition onKey(KeyStroke key) {
    return Transition.STAY;
  }

  @Override
  public Transition onCtrlC() {
    worker.interrupt();
    return Transition.STAY;
  }

  @Override
  public Transition tick() {
    return worker.isAlive() ? Transition.STAY : Transition.NEXT;
  }
}
