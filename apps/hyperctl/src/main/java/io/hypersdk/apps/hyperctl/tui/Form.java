package io.hypersdk.apps.hyperctl.tui;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.util.List;
import java.util.function.Supplier;

/**
 * Labelled fields one per row; ↑↓ or Tab move the focus, other keys go to the focused field. The rows scroll
 * when the fields do not fit.
 */
final class Form {
  static final String KEYS = "↑↓ field  ←→/Space choose  type to edit";
  private static final int LABEL_WIDTH = 22;
  private final Supplier<List<FormField>> fields;
  private int focus;
  /** The first field drawn, when not all fit. */
  private int scroll;

  /** The fields may change with the model (each provider has its own settings). */
  Form(Supplier<List<FormField>> fields) {
    this.fields = fields;
  }

  /** Draws the fields from {@code row} down to the body's last row; returns the next free row. */
  int render(Canvas c, int row) {
    return render(c, row, c.bottom() - row + 1);
  }

  /**
   * Draws at most {@code maxRows} fields from {@code row}; returns the next free row. When there are more fields
   * than rows, the rows scroll to keep the focused field in view, and ↑ / ↓ at the right edge say that more
   * fields are above or below.
   */
  int render(Canvas c, int row, int maxRows) {
    List<FormField> all = fields.get();
    focus = Math.min(focus, all.size() - 1);
    int rows = Math.max(1, Math.min(maxRows, all.size()));
    if (focus < scroll) {
      scroll = focus;
    } else if (focus >= scroll + rows) {
      scroll = focus - rows + 1;
    }
    scroll = Math.max(0, Math.min(scroll, all.size() - rows));
    for (int i = 0; i < rows; i++) {
      int index = scroll + i;
      FormField f = all.get(index);
      String line = "  " + Canvas.pad(f.label(), LABEL_WIDTH) + f.display(index == focus);
      boolean moreAbove = i == 0 && scroll > 0;
      boolean moreBelow = i == rows - 1 && index < all.size() - 1;
      if (moreAbove || moreBelow) {
        line = Canvas.pad(line, c.width() - 2) + (moreAbove ? " ↑" : " ↓");
      }
      if (index == focus) {
        c.highlighted(0, row + i, line);
      } else {
        c.text(0, row + i, line);
      }
    }
    return row + rows;
  }

  /** The index of the focused field. */
  int focused() {
    return focus;
  }

  boolean onKey(KeyStroke key) {
    List<FormField> all = fields.get();
    switch (key.getKeyType()) {
      case ArrowDown, Tab -> focus = (focus + 1) % all.size();
      case ArrowUp, ReverseTab -> focus = (focus + all.size() - 1) % all.size();
      default -> {
        return key.getKeyType() != KeyType.Enter && all.get(focus).onKey(key);
      }
    }
    return true;
  }
}
