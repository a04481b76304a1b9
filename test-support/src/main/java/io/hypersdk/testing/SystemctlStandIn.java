package io.hypersdk.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@code systemctl} put first on a child's PATH (systemd is not PID 1 here). Every call is appended to
 * {@code BIN/systemctl.log}. It either gives one fixed answer to whatever it is asked ({@link #answerAll}), or
 * answers {@code show}, {@code is-active}, {@code list-units} and {@code list-unit-files} from files the test
 * writes: {@code UNIT.show} holds the unit's properties (none: not-found), {@code list-units} and
 * {@code list-unit-files} the listings.
 */
public final class SystemctlStandIn {
  private final Path bin;
  private final Path answers;
  private final Path calls;

  private SystemctlStandIn(Path bin, Path answers, Path calls) {
    this.bin = bin;
    this.answers = answers;
    this.calls = calls;
  }

  /** Writes {@code bin/systemctl}, with its answers in {@code bin/systemctl.d}; put {@code bin} first on PATH. */
  public static SystemctlStandIn install(Path bin) {
    try {
      Path answers = Files.createDirectories(bin.resolve("systemctl.d"));
      Path calls = bin.resolve("systemctl.log");
      Tools.script(bin.resolve("systemctl"), """
          #!/bin/sh
          d='%s'
          printf '%%s\\n' "$*" >> '%s'
          if [ -f "$d/fixed-answer" ]; then
            cat "$d/fixed-answer"
            exit "$(cat "$d/fixed-exit")"
          fi
          if [ -f "$d/not-booted" ]; then
            echo "System has not been booted with systemd as init system (PID 1). Can't operate." >&2
            echo "Failed to connect to bus: Host is down" >&2
            exit 1
          fi
          case "$1" in
            show)
              if [ -f "$d/$2.show" ]; then cat "$d/$2.show"
              else printf 'LoadState=not-found\\nActiveState=inactive\\nSubState=dead\\nMainPID=0\\nActiveEnterTimestamp=\\n'; fi ;;
            is-active)
              s=$(sed -n 's/^ActiveState=//p' "$d/$2.show" 2>/dev/null)
              echo "${s:-inactive}"
              [ "${s:-inactive}" = active ] ;;
            list-units) cat "$d/list-units" 2>/dev/null ;;
            list-unit-files) cat "$d/list-unit-files" 2>/dev/null ;;
            *) echo "systemctl stand-in: unexpected $*" >&2; exit 1 ;;
          esac
          """.formatted(answers, calls));
      return new SystemctlStandIn(bin, answers, calls);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link #install} into {@code work/bin}. */
  public static SystemctlStandIn create(Path work) {
    return install(work.resolve("bin"));
  }

  /** The folder to put first on PATH. */
  public Path bin() {
    return bin;
  }

  /** Prints {@code answer} and exits with {@code exit}, whatever it is asked. */
  public SystemctlStandIn answerAll(String answer, int exit) {
    write("fixed-answer", answer + "\n");
    write("fixed-exit", exit + "\n");
    return this;
  }

  /** The unit is loaded and in {@code activeState} ({@code subState}), with a main PID and a start time when active. */
  public void unit(String unit, String activeState, String subState, long mainPid) {
    properties(unit, "LoadState=loaded", "ActiveState=" + activeState, "SubState=" + subState, "MainPID=" + mainPid,
        "ActiveEnterTimestamp=" + ("active".equals(activeState) ? "Thu 2026-11-26 08:00:00 UTC" : ""));
  }

  /** {@code show UNIT} prints these {@code Key=value} lines; {@code is-active} answers their ActiveState. */
  public void properties(String unit, String... lines) {
    delete("not-booted");
    write(unit + ".show", String.join("\n", lines) + "\n");
  }

  /** systemd has never heard of the unit. */
  public void notInstalled(String unit) {
    delete("not-booted");
    delete(unit + ".show");
  }

  /** Answers as systemctl does in a container whose PID 1 is not systemd. */
  public void notBooted() {
    write("not-booted", "");
  }

  public void listUnits(String... lines) {
    write("list-units", String.join("\n", lines) + "\n");
  }

  public void listUnitFiles(String... lines) {
    write("list-unit-files", String.join("\n", lines) + "\n");
  }

  /** The calls seen so far, one line of arguments each. */
  public List<String> calls() {
    try {
      return Files.exists(calls) ? Files.readAllLines(calls, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void write(String name, String text) {
    try {
      Files.writeString(answers.resolve(name), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void delete(String name) {
    try {
      Files.deleteIfExists(answers.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
