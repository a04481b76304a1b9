package io.hypersdk.apps.hyperctl.tui;

import com.googlecode.lanterna.SGR;
import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.graphics.TextGraphics;
import java.util.ArrayList;
import java.util.List;

/**
 * The drawing area of one frame: a title bar on the first row, the body, an error line and the key help on
 * the last row. Text is cut to the width so nothing wraps into the next row on an 80x24 terminal.
 */
final class Canvas {
  /** First row of the body. */
  static final int TOP = 2;
  private final TextGraphics g;
  private final TerminalSize size;

  Canvas(TextGraphics g, TerminalSize size) {
    this.g = g;
    this.size = size;
  }

  int width() {
    return size.getColumns();
  }

  /** Last row available to the body (above the error and help rows). */
  int bottom() {
    return size.getRows() - 3;
  }

  void title(String text) {
    g.setBackgroundColor(TextColor.ANSI.BLUE);
    g.setForegroundColor(TextColor.ANSI.WHITE);
    g.enableModifiers(SGR.BOLD);
    g.putString(0, 0, pad(text, width()));
    g.disableModifiers(SGR.BOLD);
    plain();
  }

  void text(int col, int row, String s) {
    if (row >= 0 && row <= bottom()) {
      g.putString(col, row, cut(s, width() - col));
    }
  }

  /** A highlighted line, e.g. the focused field or the cursor row of a list. */
  void highlighted(int col, int row, String s) {
    g.setBackgroundColor(TextColor.ANSI.CYAN);
    g.setForegroundColor(TextColor.ANSI.BLACK);
    text(col, row, pad(s, width() - col));
    plain();
  }

  /** Long text wrapped over several rows from {@code row}; returns the next free row. */
  int wrapped(int col, int row, String s, int maxRows) {
    List<String> lines = wrap(s, width() - col);
    int n = Math.min(lines.size(), maxRows);
    for (int i = 0; i < n; i++) {
      text(col, row + i, lines.get(i));
    }
    return row + n;
  }

  void error(String s) {
    if (s != null && !s.isEmpty()) {
      g.setForegroundColor(TextColor.ANSI.RED);
      g.putString(0, size.getRows() - 2, cut(s, width()));
      plain();
    }
  }

  void help(String s) {
    g.setBackgroundColor(TextColor.ANSI.WHITE);
    g.setForegroundColor(TextColor.ANSI.BLACK);
    g.putString(0, size.getRows() - 1, pad(s, width()));
    plain();
  }

  private void plain() {
    g.setBackgroundColor(TextColor.ANSI.DEFAULT);
    g.setForegroundColor(TextColor.ANSI.DEFAULT);
  }

  static String cut(String s, int width) {
    if (width <= 0) {
      return "";
    }
    return s.length() <= width ? s : s.substring(0, Math.max(0, width - 1)) + "…";
  }

  static String pad(String s, int width) {
    String c = cut(s, width);
    return c + " ".repeat(Math.max(0, width - c.length()));
  }

  static List<String> wrap(String s, int lineWidth) {
    int width = Math.max(1, lineWidth);
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : s.split(" ")) {
      while (word.length() > width) {
        if (line.length() > 0) {
          lines.add(line.toString());
          line.setLength(0);
        }
        lines.add(word.substring(0, width));
        word = word.substring(width);
      }
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
    return lines;
  }
}
