package io.hypersdk.convert.bootcheck;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A guest's serial console as it arrives: keeps the last lines (escape sequences and control characters
 * removed) and decides from them whether the guest came up or where it stopped. Thread-safe: qemu's output is
 * fed by one thread while the boot check polls from another.
 */
final class SerialConsole {
  /** The guest is up, or stopped for a reason; {@code nanos} is when it showed (System.nanoTime). */
  record Event(boolean up, String reason, long nanos) {}

  static final int TAIL_LINES = 40;

  private static final Pattern ESCAPES = Pattern.compile(
      "\u001B\\[[0-?]*[ -/]*[@-~]|\u001B[()][0-9A-Za-z]|\u001B[@-Z\\\\-_`-~]|\u001B");
  private static final Pattern CONTROLS = Pattern.compile("[\\x00-\\x08\\x0B-\\x1F\\x7F]");
  private static final Pattern MULTI_USER = Pattern.compile("Reached target .*Multi-User");
  private static final Pattern ALERT = Pattern.compile("ALERT!\\s+(\\S+) does not exist");
  private static final Pattern DRACUT_MISSING = Pattern.compile("Warning: (/dev/\\S+) does not exist");
  private static final Pattern PANIC = Pattern.compile("Kernel panic - not syncing: (.*)");
  private static final Pattern EMERGENCY = Pattern.compile("You are in emergency mode|Welcome to emergency mode"
      + "|Give root password for maintenance|Cannot open access to console, the root account is locked");

  private final Deque<String> tail = new ArrayDeque<>();
  private final StringBuilder partial = new StringBuilder();
  private boolean anyOutput;
  private String firstBootFailure;
  private String firstFailedUnit;
  private String lastGrubError;
  private Event event;

  /** Adds console output as it arrived; may end mid-line (a login prompt has no newline). */
  synchronized void feed(char[] chars, int count) {
    for (int i = 0; i < count; i++) {
      char c = chars[i];
      if (c == '\n' || c == '\r') {
        endLine();
      } else {
        partial.append(c);
        // A terminal reset or screen clear starts afresh, as on a screen: what follows is a new line.
        if (endsWith("\u001Bc") || endsWith("\u001B[2J")) {
          partial.setLength(partial.lastIndexOf("\u001B"));
          endLine();
        }
      }
    }
    String prompt = clean(partial.toString());
    if (!prompt.isBlank()) {
      anyOutput = true;
      if (event == null && prompt.strip().endsWith("login:")) {
        event = new Event(true, "login prompt", System.nanoTime());
      } else if (event == null && prompt.contains("grub rescue>")) {
        judge(prompt);
      }
    }
  }

  private boolean endsWith(String s) {
    int from = partial.length() - s.length();
    return from >= 0 && partial.indexOf(s, from) == from;
  }

  private void endLine() {
    String line = clean(partial.toString());
    partial.setLength(0);
    if (line.isBlank()) {
      return;
    }
    anyOutput = true;
    tail.addLast(line);
    while (tail.size() > TAIL_LINES) {
      tail.removeFirst();
    }
    judge(line);
  }

  static String clean(String raw) {
    return CONTROLS.matcher(ESCAPES.matcher(raw).replaceAll("")).replaceAll("").stripTrailing();
  }

  private void judge(String line) {
    if (line.startsWith("Boot failed:") && firstBootFailure == null) {
      firstBootFailure = line.strip();
    }
    if (line.contains("BdsDxe: failed to load") && firstBootFailure == null) {
      firstBootFailure = line.strip();
    }
    if (line.contains("[FAILED]") && firstFailedUnit == null) {
      firstFailedUnit = line.substring(line.indexOf("[FAILED]")).strip();
    }
    if (line.strip().startsWith("error:")) {
      lastGrubError = line.strip();
    }
    if (event != null) {
      return;
    }
    Matcher m;
    if ((m = ALERT.matcher(line)).find() || (m = DRACUT_MISSING.matcher(line)).find()) {
      stop("the root device was not found (" + m.group().strip() + "): the guest has no driver for its boot "
          + "disk's bus, or its root= names a device that does not exist on KVM");
    } else if ((m = PANIC.matcher(line)).find()) {
      stop("kernel panic: " + m.group(1).strip());
    } else if (line.contains("No bootable device")) {
      stop("no boot disk found by the firmware (" + (firstBootFailure != null ? firstBootFailure : line.strip())
          + ")");
    } else if (line.contains("UEFI Interactive Shell") || line.contains("No bootable option or device was found")) {
      // OVMF makes a boot option for every disk it can read; with none to fail, it saw no disk at all.
      stop("no boot disk found by the firmware (" + (firstBootFailure != null ? firstBootFailure
          : "UEFI saw no disk: its OVMF has no driver for the disk controller, e.g. pvscsi or lsilogic") + ")");
    } else if (line.contains("grub rescue>")) {
      stop("GRUB stopped at its rescue prompt (" + (lastGrubError != null ? lastGrubError : "no error shown")
          + "): it cannot find its own files on the boot disk");
    } else if (EMERGENCY.matcher(line).find()) {
      stop("the guest stopped in emergency mode" + (firstFailedUnit != null ? " (" + firstFailedUnit + ")" : "")
          + ": a file system or device in its configuration is missing on KVM");
    } else if (line.strip().endsWith("login:")) {
      event = new Event(true, "login prompt", System.nanoTime());
    } else if (MULTI_USER.matcher(line).find()) {
      event = new Event(true, "multi-user.target", System.nanoTime());
    }
  }

  private void stop(String reason) {
    event = new Event(false, reason, System.nanoTime());
  }

  /** The first decisive thing the console showed, or null while the boot goes on. */
  synchronized Event event() {
    return event;
  }

  synchronized boolean silent() {
    return !anyOutput;
  }

  /** The last line shown, including a prompt without newline; empty when nothing was. */
  synchronized String lastLine() {
    String prompt = clean(partial.toString());
    return !prompt.isBlank() ? prompt.strip() : tail.isEmpty() ? "" : tail.getLast().strip();
  }

  /** The last {@value #TAIL_LINES} non-blank lines, a pending prompt included. */
  synchronized List<String> tail() {
    List<String> lines = new ArrayList<>(tail);
    String prompt = clean(partial.toString());
    if (!prompt.isBlank()) {
      lines.add(prompt);
    }
    return lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
  }
}
