package io.hypersdk.apps.hyperctl.tui;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import io.hypersdk.providers.VmSummary;
import java.util.List;
import java.util.Locale;

/** Step 2: the provider's VMs with their power state; filter with /, select several with Space. */
final class SelectVmsStep implements Step {
  private final WizardModel m;
  private int cursor;
  private int scroll;
  private boolean filtering;
  private String error;

  SelectVmsStep(WizardModel m) {
    this.m = m;
  }

  @Override
  public String title() {
    return "Pick VMs";
  }

  @Override
  public String keyHelp() {
    return filtering ? "type the filter  Backspace delete  Enter/Esc done"
        : "↑↓ move  Space select  a all  / filter  Enter next  Esc back  q quit";
  }

  /** The VMs whose name or path contains the filter, ignoring case. */
  List<VmSummary> shown() {
    String f = m.filter.toLowerCase(Locale.ROOT);
    return m.vms.stream().filter(v -> f.isEmpty() || v.name().toLowerCase(Locale.ROOT).contains(f)
        || v.path().toLowerCase(Locale.ROOT).contains(f)).toList();
  }

  @Override
  public void render(Canvas c) {
    List<VmSummary> shown = shown();
    cursor = Math.max(0, Math.min(cursor, shown.size() - 1));
    c.text(0, Canvas.TOP, String.format(Locale.ROOT, "    %-22s %-11s %4s %8s %5s  %s", "NAME", "POWER", "CPU",
        "MEMORY", "DISKS", "PATH"));
    int first = Canvas.TOP + 1;
    int rows = c.bottom() - 1 - first;
    if (cursor < scroll) {
      scroll = cursor;
    } else if (cursor >= scroll + rows) {
      scroll = cursor - rows + 1;
    }
    for (int i = 0; i < rows && scroll + i < shown.size(); i++) {
      VmSummary v = shown.get(scroll + i);
      String line = String.format(Locale.ROOT, " %s %-22s %-11s %4s %8s %5d  %s", m.selected.contains(v.path())
          ? "[x]" : "[ ]", Canvas.cut(v.name(), 22), v.powerState() == null ? "-" : v.powerState(), v.cpu() == null ? "-" : v.cpu(),
          v.memoryMiB() == null ? "-" : v.memoryMiB() + " MiB", v.disks(), v.path());
      if (scroll + i == cursor) {
        c.highlighted(0, first + i, line);
      } else {
        c.text(0, first + i, line);
      }
    }
    if (shown.isEmpty()) {
      c.text(4, first, m.vms.isEmpty() ? "the provider lists no VMs" : "no VM matches the filter");
    }
    c.text(0, c.bottom(), String.format(Locale.ROOT, "%d of %d selected   filter: %s%s", m.selected.size(),
        m.vms.size(), m.filter, filtering ? "_" : ""));
    c.error(error);
  }

  @Override
  public Transition onKey(KeyStroke key) {
    error = null;
    if (filtering) {
      filter(key);
      return Transition.STAY;
    }
    List<VmSummary> shown = shown();
    switch (key.getKeyType()) {
      case ArrowUp -> cursor = Math.max(0, cursor - 1);
      case ArrowDown -> cursor = Math.min(Math.max(0, shown.size() - 1), cursor + 1);
      case Escape -> {
        return Transition.BACK;
      }
      case Enter -> {
        if (m.selected.isEmpty()) {
          error = "select at least one VM with Space";
          return Transition.STAY;
        }
        return Transition.NEXT;
      }
      case Character -> {
        return onCharacter(key.getCharacter(), shown);
      }
      default -> { }
    }
    return Transition.STAY;
  }

  private Transition onCharacter(char ch, List<VmSummary> shown) {
    switch (ch) {
      case ' ' -> {
        if (!shown.isEmpty()) {
          String path = shown.get(cursor).path();
          if (!m.selected.remove(path)) {
            m.selected.add(path);
          }
        }
      }
      case 'a' -> {
        boolean all = shown.stream().allMatch(v -> m.selected.contains(v.path()));
        shown.forEach(v -> {
          if (all) {
            m.selected.remove(v.path());
          } else {
            m.selected.add(v.path());
          }
        });
      }
      case '/' -> filtering = true;
      case 'q' -> {
        return Transition.QUIT;
      }
      default -> { }
    }
    return Transition.STAY;
  }

  private void filter(KeyStroke key) {
    if (key.getKeyType() == KeyType.Enter || key.getKeyType() == KeyType.Escape) {
      filtering = false;
    } else if (key.getKeyType() == KeyType.Backspace && !m.filter.isEmpty()) {
      m.filter = m.filter.substring(0, m.filter.length() - 1);
    } else if (key.getKeyType() == KeyType.Character) {
      m.filter += key.getCharacter();
      cursor = 0;
    }
  }
}
