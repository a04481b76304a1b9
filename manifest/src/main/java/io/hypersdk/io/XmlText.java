package io.hypersdk.io;

/** Escapes text for XML content and attribute values (either quote style). */
public final class XmlText {
  private XmlText() {}

  /** Escapes markup characters and drops control characters XML 1.0 cannot hold. */
  public static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '\'' -> b.append("&apos;");
        case '"' -> b.append("&quot;");
        default -> {
          if (c >= 0x20 || c == '\t' || c == '\n') {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
