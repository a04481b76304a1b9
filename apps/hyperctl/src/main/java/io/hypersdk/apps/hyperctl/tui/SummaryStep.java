package io.hypersdk.apps.hyperctl.tui;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.util.ArrayList;
import java.util.List;

/** Step 7: per VM, ok or failed, the qcow2 outputs, the domain, the mode used and why, the error. */
final class SummaryStep implements Step {
  private final WizardModel m;
  private int scroll;

  SummaryStep(WizardModel m) {
    this.m = m;
  }

  @Override
  public String title() {
    long ok = m.runs.stream().filter(VmRun::succeeded).count();
    return "Summary: " + ok + " of " + m.runs.size() + " migrated";
  }

  @Override
  public String keyHelp() {
    return "↑↓ scroll  Enter/q quit  Esc back to confirm";
  }

  @Override
  public void enter() {
    scroll = 0;
  }

  /** The summary as lines, also printed after the screen closes so it stays in the terminal. */
  static List<String> lines(List<VmRun> runs) {
    List<String> out = new ArrayList<>();
    for (VmRun r : runs) {
      VmOutcome o = r.outcome();
      if (o == null) {
        out.add(r.vm() + ": not run");
        continue;
      }
      out.add(r.vm() + ": " + o.state());
      if (o.jobId() != null) {
        out.add("  hypervisord job: " + o.jobId());
      }
      if (o.mode() != null) {
        out.add("  mode: " + o.mode() + " (" + o.modeReason() + ")");
      }
      o.outputs().forEach(f -> out.add("  qcow2: " + f));
      if (o.domainXml() != null) {
        out.add("  domain XML: " + o.domainXml());
      }
      if (o.libvirtDomain() != null) {
        out.add("  libvirt domain: " + o.libvirtDomain());
      }
      if (o.manifest() != null) {
        out.add("  manifest: " + o.manifest());
      }
      if (o.error() != null) {
        out.add("  error: " + o.error());
      }
    }
    return out;
  }

  @Override
  public void render(Canvas c) {
    List<String> rows = new ArrayList<>();
    for (String line : lines(m.runs)) {
      // Long lines (the mode's reason, deep paths) continue below, indented, instead of being cut off.
      int indent = line.length() - line.stripLeading().length();
      List<String> parts = Canvas.wrap(line.strip(), c.width() - indent - 4);
      for (int i = 0; i < parts.size(); i++) {
        rows.add(" ".repeat(i == 0 ? indent : indent + 4) + parts.get(i));
      }
    }
    int visible = c.bottom() - Canvas.TOP + 1;
    scroll = Math.max(0, Math.min(scroll, rows.size() - visible));
    for (int i = 0; i < visible && scroll + i < rows.size(); i++) {
      c.text(0, Canvas.TOP + i, rows.get(scroll + i));
    }
  }

  @Override
  public Transition onKey(KeyStroke key) {
    switch (key.getKeyType()) {
      case ArrowUp -> scroll = Math.max(0, scroll - 1);
      case ArrowDown -> scroll++;
      case Enter -> {
        return Transition.QUIT;
      }
      case Escape -> {
        return Transition.BACK;
      }
      case Character -> {
        return key.getCharacter() == 'q' ? Transition.QUIT : Transition.STAY;
      }
      default -> { }
    }
    return Transition.STAY;
  }
}
