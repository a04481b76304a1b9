package io.hypersdk.apps.hyperctl.tui;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** A field with a fixed set of values, changed with ←→ or Space. */
final class ChoiceField implements FormField {
  private final String label;
  private final Supplier<List<String>> options;
  private final Supplier<String> value;
  private final Consumer<String> update;

  ChoiceField(String label, Supplier<List<String>> options, Supplier<String> value, Consumer<String> update) {
    this.label = label;
    this.options = options;
    this.value = value;
    this.update = update;
  }

  @Override
  public String label() {
    return label;
  }

  @Override
  public String display(boolean focused) {
    return "< " + value.get() + " >";
  }

  @Override
  public boolean onKey(KeyStroke key) {
    List<String> all = options.get();
    boolean forward = key.getKeyType() == KeyType.ArrowRight
        || (key.getKeyType() == KeyType.Character && key.getCharacter() == ' ');
    if ((!forward && key.getKeyType() != KeyType.ArrowLeft) || all.isEmpty()) {
      return false;
    }
    int i = all.indexOf(value.get());
    int next = forward ? (i + 1) % all.size() : (i <= 0 ? all.size() - 1 : i - 1);
    update.accept(all.get(next));
    return true;
  }
}
