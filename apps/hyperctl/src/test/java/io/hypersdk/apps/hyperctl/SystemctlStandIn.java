package io.hypersdk.apps.hyperctl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A {@code systemctl} on PATH (systemd is not PID 1 here) that answers {@code show}, {@code is-active},
 * {@code list-units} and {@code list-unit-files} from files the test writes: {@code UNIT.show} holds the
 * unit's properties (none: not-found), {@code list-units} and {@code list-unit-files} the listings.
 */
final class SystemctlStandIn {
  final Path bin;
  private final Path answers;

  private SystemctlStandIn(Path bin, Path answers) {
    this.bin = bin;
    this.answers = answers;
  }

  static SystemctlStandIn create(Path work) throws IOException {
    Path bin = Files.createDirectories(work.resolve("bin"));
    Path answers = Files.createDirectories(work.resolve("systemd-answers"));
    Path script = bin.resolve("systemctl");
    Files.writeString(script, """
        #!/bin/sh
        d='%s'
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
        """.formatted(answers), StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return new SystemctlStandIn(bin, answers);
  }

  /** The unit is loaded and in {@code activeState} ({@code subState}), with a main PID and a start time when active. */
  void unit(String unit, String activeState, String subState, long mainPid) throws IOException {
    Files.deleteIfExists(answers.resolve("not-booted"));
    Files.writeString(answers.resolve(unit + ".show"), "LoadState=loaded\nActiveState=" + activeState + "\nSubState="
        + subState + "\nMainPID=" + mainPid + "\nActiveEnterTimestamp="
        + ("active".equals(activeState) ? "Thu 2026-11-26 08:00:00 UTC" : "") + "\n", StandardCharsets.UTF_8);
  }

  /** systemd has never heard of the unit. */
  void notInstalled(String unit) throws IOException {
    Files.deleteIfExists(answers.resolve("not-booted"));
    Files.deleteIfExists(answers.resolve(unit + ".show"));
  }

  /** Answers as systemctl does in a container whose PID 1 is not systemd. */
  void notBooted() throws IOException {
    Files.writeString(answers.resolve("not-booted"), "", StandardCharsets.UTF_8);
  }

  void listUnits(String... lines) throws IOException {
    Files.writeString(answers.resolve("list-units"), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  void listUnitFiles(String... lines) throws IOException {
    Files.writeString(answers.resolve("list-unit-files"), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }
}
