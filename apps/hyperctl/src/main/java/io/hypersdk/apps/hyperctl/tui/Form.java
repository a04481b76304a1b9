package io.hypersdk.apps.hyperctl.tui;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.util.List;
import java.util.function.Supplier;

/** Labelled fields one per row; ↑↓ or Tab move the focus, other keys go to the focused field. */
final class Form {
  static final String KEYS = "↑↓ field  ←→/Space choose  type to edit";
  private static final int LABEL_WIDTH = 22;
  private final Supplier<List<FormField>> fields;
  private int focus;

  /** The fields may change with the model (each provider has its own settings). */
  Form(Supplier<List<FormField>> fields) {
    this.fields = fields;
  }

  /** Draws the fields from {@code row}; returns the next free row. */
  int render(Canvas c, int row) {
    List<FormField> all = fields.get();
    focus = Math.min(focus, all.size() - 1);
    for (int i = 0; i < all.size(); i++) {
      FormField f = all.get(i);
      String line = "  " + Canvas.pad(f.label(), LABEL_WIDTH) + f.display(i == focus);
      if (i == focus) {
        c.highlighted(0, row + i, line);
      } else {
        c.text(0, row + i, line);
      }
    }
    return row + all.size();
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
