package io.hypersdk.apps.hyperctl.tui;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.providers.VmSummary;
import java.util.stream.Collectors;

/** Step 5: everything chosen, and what the pipeline would do now; Enter starts the migration. */
final class ConfirmStep implements Step {
  private final WizardModel m;
  private String status = "";

  ConfirmStep(WizardModel m) {
    this.m = m;
  }

  @Override
  public String title() {
    return "Confirm";
  }

  @Override
  public String keyHelp() {
    return "Enter start the migration  Esc back  q quit";
  }

  @Override
  public void enter() {
    try {
      status = DaemonStatusProbe.describe(m.pipelineOptions());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The settings typed on the Connect step, secrets left out. */
  private String given() {
    return m.specs().stream().filter(s -> !s.secret() && !m.settings().getOrDefault(s.name(), "").isBlank())
        .map(s -> ", " + s.name() + " " + m.settings().get(s.name()).strip()).collect(Collectors.joining());
  }

  @Override
  public void render(Canvas c) {
    int row = Canvas.TOP;
    c.text(2, row++, m.connection != null ? "Provider:  " + m.provider + ", hypervisord's connection "
        + m.connection.name() : "Provider:  " + m.provider + given());
    row = c.wrapped(2, row, "VMs:       " + m.selectedVms().stream().map(VmSummary::name)
        .collect(Collectors.joining(", ")), 3);
    c.text(2, row++, "Export:    " + m.outputDir + " (" + m.format + ")");
    c.text(2, row++, "Libvirt:   " + (m.libvirt ? "define each domain at " + m.pipelineOptions().libvirtUri()
        : "no domain defined (the domain XML is written)"));
    c.text(2, row++, "Guest:     " + (m.fix ? "fixed for KVM" : "left as it is (no fix)") + ", boot check "
        + m.bootCheck);
    c.text(2, row++, "Run on:    " + (m.viaHypervisord ? "hypervisord at " + m.hypervisord.url() : "this machine"));
    PipelineOptions o = m.pipelineOptions();
    if (o.daemonRequested()) {
      c.text(2, row++, "Pipeline:  daemon mode, " + o.serviceName());
      c.text(2, row++, "           watch " + (o.watchDir() == null ? "(from the config)" : o.watchDir()));
      c.text(2, row++, "           output " + (o.outputDir() == null ? "(from the config)" : o.outputDir()));
      c.text(2, row++, "           poll every " + m.pollSeconds + " s, give up after " + m.timeoutMinutes + " min");
    } else {
      c.text(2, row++, "Pipeline:  direct mode (the converter runs on this machine)");
    }
    c.wrapped(2, row + 1, "Daemon status: " + status, 4);
  }

  @Override
  public Transition onKey(KeyStroke key) {
    if (key.getKeyType() == KeyType.Enter) {
      return Transition.NEXT;
    }
    if (key.getKeyType() == KeyType.Escape) {
      return Transition.BACK;
    }
    return key.getKeyType() == KeyType.Character && key.getCharacter() == 'q' ? Transition.QUIT : Transition.STAY;
  }
}
