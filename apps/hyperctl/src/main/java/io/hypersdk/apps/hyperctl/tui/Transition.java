package io.hypersdk.apps.hyperctl.tui;

/** What a step asks the wizard to do after a key or a tick. */
enum Transition { STAY, NEXT, BACK, QUIT }
