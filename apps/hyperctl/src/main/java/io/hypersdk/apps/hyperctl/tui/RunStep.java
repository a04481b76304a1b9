package io.hypersdk.apps.hyperctl.tui;

import com.googlecode.lanterna.input.KeyStroke;
import io.hypersdk.apps.hyperctl.client.HypervisordClient;
import io.hypersdk.providers.VmSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Step 6: the migration running, one progress line per VM; moves on to the summary when all have ended. */
final class RunStep implements Step {
  private final WizardModel m;
  private Thread worker;
  private boolean cancelling;

  RunStep(WizardModel m) {
    this.m = m;
  }

  @Override
  public String title() {
    return "Migrating";
  }

  @Override
  public String keyHelp() {
    return cancelling ? "cancelling: withdrawing what is queued…"
        : "running; the summary follows  Ctrl+C cancel";
  }

  @Override
  public boolean skippedOnBack() {
    return true;
  }

  @Override
  public void enter() {
    List<VmSummary> vms = m.selectedVms();
    m.runs = vms.stream().map(v -> new VmRun(v.name())).toList();
    Runnable migrations;
    if (m.viaHypervisord) {
      try {
        migrations = new HypervisordMigrations(new HypervisordClient(m.hypervisord), JobDefinitions.of(m), m.runs);
      } catch (IOException e) {
        String why = "cannot read the vCenter password file: " + e.getMessage();
        migrations = () -> m.runs.forEach(r -> r.finished(VmOutcome.failed(why)));
      }
    } else {
      migrations = new LocalMigrations(m.session, vms, m.runs, Path.of(m.outputDir.strip()).toAbsolutePath()
          .normalize(), m.exportFormat(), m.pipelineOptions(), m.stages());
    }
    cancelling = false;
    worker = new Thread(migrations, "hyperctl-migration");
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
    cancelling = true;
    worker.interrupt();
    return Transition.STAY;
  }

  @Override
  public Transition tick() {
    return worker.isAlive() ? Transition.STAY : Transition.NEXT;
  }
}
