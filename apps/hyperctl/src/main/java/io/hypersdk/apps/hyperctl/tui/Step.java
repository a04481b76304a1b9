package io.hypersdk.apps.hyperctl.tui;

import com.googlecode.lanterna.input.KeyStroke;

/** One screen of the wizard: draws itself from the model and reacts to keys. */
interface Step {
  /** Shown in the title bar. */
  String title();

  /** The key help line at the bottom of the screen. */
  String keyHelp();

  /** Called each time the step becomes the current one (forwards or back). */
  default void enter() {}

  /** Called when the wizard leaves the step, e.g. to stop background refreshes. */
  default void leave() {}

  void render(Canvas canvas);

  Transition onKey(KeyStroke key);

  /** Ctrl+C quits, unless the step has something to cancel first. */
  default Transition onCtrlC() {
    return Transition.QUIT;
  }

  /** Called a few times a second while no key comes, for live status and progress. */
  default Transition tick() {
    return Transition.STAY;
  }

  /** A step that only shows work in progress is skipped when going back. */
  default boolean skippedOnBack() {
    return false;
  }
}
