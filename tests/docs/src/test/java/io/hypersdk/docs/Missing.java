package io.hypersdk.docs;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;

/** Fails with one line per missing item, so the document can be fixed straight from the report. */
final class Missing {
  private Missing() {}

  static void failIfAny(String doc, String what, List<String> missing) {
    if (!missing.isEmpty()) {
      fail(missing.size() + " " + what + " missing from " + doc + ":\n" + String.join("\n", missing));
    }
  }
}
