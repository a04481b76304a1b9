package io.hypersdk.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The repository's Markdown files as the tests read them: whole text, sections under a heading, lines. */
final class Docs {
  private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");

  private Docs() {}

  /** The repository root: the first folder upwards holding the root pom and docs/ (tests run in tests/docs). */
  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("pom.xml")) && Files.isRegularFile(d.resolve("README.md"))
          && Files.isDirectory(d.resolve("queue"))) {
        return d;
      }
    }
    throw new IllegalStateException("no repository root above " + dir);
  }

  static Path doc(String name) {
    return root().resolve("docs").resolve(name);
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A heading's title as compared: without the #s and backticks, whitespace collapsed. */
  static String title(String headingText) {
    return headingText.replace("`", "").replaceAll("\\s+", " ").strip();
  }

  /**
   * The lines under the heading titled {@code title} (see {@link #title}), down to the next heading of the
   * same or a higher level, so subsections belong to their section. Headings inside code fences do not count.
   */
  static Optional<List<String>> section(String markdown, String title) {
    List<String> lines = markdown.lines().toList();
    boolean fenced = false;
    int level = 0;
    List<String> out = null;
    for (String line : lines) {
      if (line.strip().startsWith("```")) {
        fenced = !fenced;
      }
      Matcher h = fenced ? null : HEADING.matcher(line);
      if (h != null && h.matches()) {
        int l = h.group(1).length();
        if (out != null && l <= level) {
          return Optional.of(out);
        }
        if (out == null && title(h.group(2)).equals(title)) {
          out = new ArrayList<>();
          level = l;
          continue;
        }
      }
      if (out != null) {
        out.add(line);
      }
    }
    return Optional.ofNullable(out);
  }

  /** Whitespace runs become one space, so a message wrapped over lines still matches. */
  static String collapse(String text) {
    return text.replaceAll("\\s+", " ");
  }

  /** Whether {@code token} occurs in {@code line} as a whole token (not inside a longer word or flag). */
  static boolean hasToken(String line, String token) {
    return Pattern.compile("(?<![\\w.$-])" + Pattern.quote(token) + "(?![\\w-])").matcher(line).find();
  }
}
