package io.hypersdk.apps.hyperctl.tui;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** A text field: typed characters append, Backspace deletes; a masked field shows one star per character. */
final class TextField implements FormField {
  private final String label;
  private final Supplier<String> value;
  private final Consumer<String> update;
  private final boolean masked;

  TextField(String label, Supplier<String> value, Consumer<String> update, boolean masked) {
    this.label = label;
    this.value = value;
    this.update = update;
    this.masked = masked;
  }

  @Override
  public String label() {
    return label;
  }

  @Override
  public String display(boolean focused) {
    String v = value.get();
    String shown = masked ? "*".repeat(v.length()) : v;
    return focused ? shown + "_" : shown;
  }

  @Override
  public boolean onKey(KeyStroke key) {
    if (key.getKeyType() == KeyType.Character && !key.isCtrlDown() && !key.isAltDown()) {
      update.accept(value.get() + key.getCharacter());
      return true;
    }
    if (key.getKeyType() == KeyType.Backspace) {
      String v = value.get();
      if (!v.isEmpty()) {
        update.accept(v.substring(0, v.length() - 1));
      }
      return true;
    }
    return false;
  }
}
