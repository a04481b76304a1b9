package io.hypersdk.docs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the messages a Java source can show a person, and reduces each to its stable text. A message is the
 * text given to one of the calls below (an exception, a line on stderr, a daemon's warning or error log line,
 * a pipeline failure or fallback reason); it is read as a concatenation of string literals and variable
 * parts ({@code +}, {@code String.format}/{@code .formatted} placeholders, {@code {}} in log patterns).
 */
final class MessageScanner {
  /** The calls whose text reaches a person ({@code %s}: the file's own exception factories, see below). */
  private static final String SINKS = (
      "(new\\s+\\w*Exception|\\w*Exception\\.\\w+|new\\s+Violation|new\\s+Definition|(?:\\berr(?:\\(\\))?|getErr\\(\\))\\.println"
          + "|\\bLOG\\.(?:warn|error)|\\brespond|ConversionOutcome\\.failed|ExecutionMode\\.direct|\\.warning%s)\\s*\\(");
  /** A method that makes an exception from a message: {@code ProviderException failed(String message)}. */
  private static final Pattern FACTORY = Pattern.compile("\\w*Exception\\s+(\\w+)\\s*\\(\\s*String\\s+\\w+\\s*\\)");
  /** Calls whose first two arguments are a field and a rule, shown as "field: rule". */
  private static final Set<String> FIELD_AND_RULE = Set.of("new InvalidJobException", "new InvalidSettingException",
      "ApiException.badRequest", "new Violation");
  /** Calls whose message is the last argument (the first ones being a status, a path, a name ...). */
  private static final Set<String> MESSAGE_LAST = Set.of("new ApiException", "new Definition");
  /** Calls whose message is the first argument even when it is all variable (the second is a state). */
  private static final Set<String> MESSAGE_FIRST = Set.of("ConversionOutcome.failed", "ExecutionMode.direct");
  private static final Pattern TOOL_PREFIX = Pattern.compile("^hyper[a-z]*(?: [a-z-]+)*: ");
  private static final Pattern FORMAT_PLACEHOLDER = Pattern.compile("%[-#+ 0,(]*\\d*(?:\\.\\d+)?[a-zA-Z]|\\{}");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  /** A message kept in a constant of the same file: {@code static final String NO_TERMINAL = "..." + "...";}. */
  private static final Pattern CONSTANT = Pattern.compile("static\\s+final\\s+String\\s+(\\w+)\\s*=");
  /** Shorter stable texts say too little to look for ("no such job: " + id). */
  static final int MIN_LENGTH = 12;

  /** One message: where, through which call, and its text with variable parts as null. */
  record Message(String file, int line, String call, List<String> parts) {
    /**
     * The stable text: the literal text before the first variable part, or, when that is shorter than
     * {@link #MIN_LENGTH}, the first literal run that is long enough; null when none is.
     */
    String stableText() {
      for (int i = 0; i < parts.size(); i++) {
        String p = parts.get(i);
        if (p == null) {
          continue;
        }
        String text = i == 0 ? TOOL_PREFIX.matcher(p).replaceFirst("") : p;
        text = wholeWords(text, i > 0 && parts.get(i - 1) == null, i + 1 < parts.size() && parts.get(i + 1) == null);
        if (text.length() >= MIN_LENGTH) {
          return text;
        }
      }
      return null;
    }

    /** The message as a reader sees it, with ... for the variable parts. */
    String shown() {
      StringBuilder b = new StringBuilder();
      parts.forEach(p -> b.append(p == null ? "..." : p));
      return b.toString();
    }
  }

  private MessageScanner() {}

  static List<Message> scan(String file, String source) {
    String code = withoutComments(source);
    List<Message> out = new ArrayList<>();
    StringBuilder factories = new StringBuilder();
    Matcher f = FACTORY.matcher(code);
    while (f.find()) {
      factories.append("|(?<![\\w.])").append(f.group(1));
    }
    Map<String, String> constants = new HashMap<>();
    Matcher c = CONSTANT.matcher(code);
    while (c.find()) {
      int end = endOfStatement(code, c.end());
      constants.put(c.group(1), code.substring(c.end(), end));
    }
    Matcher m = Pattern.compile(String.format(SINKS, factories)).matcher(code);
    while (m.find()) {
      int close = closingParen(code, m.end() - 1);
      if (close < 0) {
        continue;
      }
      String call = m.group(1).replaceAll("\\s+", " ");
      List<String> args = split(code.substring(m.end(), close), ',');
      List<String> parts = messageParts(call, args, constants);
      if (parts.stream().anyMatch(p -> p != null) && (!call.endsWith("println") || prefixed(parts))) {
        out.add(new Message(file, lineOf(code, m.start()), call, parts));
      }
    }
    return out;
  }

  /**
   * Whether a line printed on stderr is a tool's message ("hyperexport: ..." or TOOL + ": ..."), not
   * progress or a warning's echo.
   */
  private static boolean prefixed(List<String> parts) {
    String first = parts.get(0);
    return first != null ? TOOL_PREFIX.matcher(first).find()
        : parts.size() > 1 && parts.get(1).startsWith(": ");
  }

  private static List<String> messageParts(String call, List<String> args, Map<String, String> constants) {
    List<String> resolved = args.stream().map(a -> constants.getOrDefault(a.strip(), a)).toList();
    if (FIELD_AND_RULE.contains(call) && resolved.size() >= 2) {
      List<String> parts = new ArrayList<>(parts(resolved.get(0), false, constants));
      parts.add(": ");
      parts.addAll(parts(resolved.get(1), false, constants));
      return merge(parts);
    }
    if (MESSAGE_LAST.contains(call)) {
      return merge(parts(resolved.get(resolved.size() - 1), false, constants));
    }
    if (MESSAGE_FIRST.contains(call)) {
      return merge(parts(resolved.get(0), false, constants));
    }
    boolean logPattern = call.startsWith("LOG.");
    for (String a : resolved) {
      if (a.contains("\"")) {
        return merge(parts(a, logPattern, constants));
      }
    }
    return List.of();
  }

  /** An argument as literal texts and variable parts (null); the file's string constants are read through. */
  private static List<String> parts(String arg, boolean logPattern, Map<String, String> constants) {
    List<String> parts = new ArrayList<>();
    for (String operand : split(arg, '+')) {
      String o = operand.strip();
      if (constants.containsKey(o)) {
        parts.addAll(parts(constants.get(o), logPattern, Map.of()));
      } else if (o.matches("\"(?:[^\"\\\\]|\\\\.)*\"")) {
        String text = unescape(o.substring(1, o.length() - 1));
        parts.addAll(logPattern ? placeholders(text) : List.of(text));
      } else if (o.matches("(?s)\"(?:[^\"\\\\]|\\\\.)*\"\\s*\\.formatted\\(.*") || o.matches("(?s)String\\.format\\(.*")) {
        Matcher s = STRING.matcher(o);
        if (s.find()) {
          parts.addAll(placeholders(unescape(s.group().substring(1, s.group().length() - 1))));
        }
        parts.add(null);
      } else {
        parts.add(null);
      }
    }
    return parts;
  }

  private static List<String> placeholders(String text) {
    List<String> parts = new ArrayList<>();
    Matcher p = FORMAT_PLACEHOLDER.matcher(text);
    int at = 0;
    while (p.find()) {
      parts.add(text.substring(at, p.start()));
      parts.add(null);
      at = p.end();
    }
    parts.add(text.substring(at));
    return parts;
  }

  /** Joins adjacent literals and adjacent variable parts. */
  private static List<String> merge(List<String> parts) {
    List<String> out = new ArrayList<>();
    for (String p : parts) {
      if (p != null && p.isEmpty()) {
        continue;
      }
      int last = out.size() - 1;
      if (last >= 0 && p == null && out.get(last) == null) {
        continue;
      }
      if (last >= 0 && p != null && out.get(last) != null) {
        out.set(last, out.get(last) + p);
      } else {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * Drops a word cut by a variable part ("disk" + n) at either end, then the punctuation and quotes around
   * the text, and collapses whitespace.
   */
  static String wholeWords(String literal, boolean afterVariable, boolean beforeVariable) {
    String t = literal;
    if (afterVariable && !t.isEmpty() && Character.isLetterOrDigit(t.charAt(0))) {
      int space = t.indexOf(' ');
      t = space < 0 ? "" : t.substring(space);
    }
    if (beforeVariable && !t.isEmpty() && Character.isLetterOrDigit(t.charAt(t.length() - 1))) {
      int space = t.lastIndexOf(' ');
      t = space < 0 ? "" : t.substring(0, space);
    }
    t = Docs.collapse(t).strip();
    return t.replaceAll("^[\\s:;,.'\"(\\[\\]]+", "").replaceAll("[\\s:;,.'\"(\\[=-]+$", "");
  }

  private static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        b.append(switch (n) {
          case 'n', 't', 'r' -> ' ';
          default -> n;
        });
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** Splits at top-level {@code sep}: not inside brackets, strings or character literals. */
  private static List<String> split(String text, char sep) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\'') {
        i = endOfLiteral(text, i);
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      } else if (c == sep && depth == 0) {
        out.add(text.substring(start, i));
        start = i + 1;
      }
    }
    out.add(text.substring(start));
    return out;
  }

  /** The index of the {@code ;} ending the statement that goes on at {@code from}. */
  private static int endOfStatement(String text, int from) {
    int depth = 0;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\'') {
        i = endOfLiteral(text, i);
      } else if (c == '(' || c == '{' || c == '[') {
        depth++;
      } else if (c == ')' || c == '}' || c == ']') {
        depth--;
      } else if (c == ';' && depth <= 0) {
        return i;
      }
    }
    return text.length();
  }

  private static int closingParen(String text, int open) {
    int depth = 0;
    for (int i = open; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\'') {
        i = endOfLiteral(text, i);
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  private static int endOfLiteral(String text, int start) {
    char q = text.charAt(start);
    for (int i = start + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == q) {
        return i;
      }
    }
    return text.length() - 1;
  }

  /** The source with comments blanked out (newlines kept, so line numbers stay right). */
  static String withoutComments(String s) {
    StringBuilder b = new StringBuilder(s);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\'') {
        i = endOfLiteral(s, i);
      } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
        while (i < s.length() && s.charAt(i) != '\n') {
          b.setCharAt(i++, ' ');
        }
      } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
        int end = s.indexOf("*/", i + 2);
        end = end < 0 ? s.length() : end + 2;
        for (; i < end; i++) {
          if (s.charAt(i) != '\n') {
            b.setCharAt(i, ' ');
          }
        }
        i--;
      }
    }
    return b.toString();
  }

  private static int lineOf(String text, int index) {
    int line = 1;
    for (int i = 0; i < index; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }
}
