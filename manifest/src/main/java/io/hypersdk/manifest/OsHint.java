package io.hypersdk.manifest;

import java.util.Locale;

/** The guest OS family. */
public enum OsHint {
  LINUX, WINDOWS, UNKNOWN;

  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a manifest value; null means unknown. */
  public static OsHint parse(String value) {
    if (value == null) {
      return UNKNOWN;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "linux" -> LINUX;
      case "windows" -> WINDOWS;
      case "unknown" -> UNKNOWN;
      default -> throw new IllegalArgumentException("os_hint must be linux, windows or unknown, not '" + value + "'");
    };
  }
}
