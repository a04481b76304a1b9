package io.hypersdk.apps.hyperctl.tui;

import com.googlecode.lanterna.input.KeyStroke;

/** One labelled line of a {@link Form}, bound to a value of the model. */
interface FormField {
  String label();

  /** The value as shown; {@code focused} adds the editing cursor. */
  String display(boolean focused);

  /** Handles a key meant for this field; false when the field does not use it. */
  boolean onKey(KeyStroke key);
}
