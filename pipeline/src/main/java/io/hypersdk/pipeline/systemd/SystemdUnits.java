package io.hypersdk.pipeline.systemd;

import io.hypersdk.io.Executables;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What systemd knows of the hyper2kvm units, asked through {@code systemctl}: one unit's state
 * ({@code systemctl show}) and which instance units exist ({@code list-units} and {@code list-unit-files}).
 * Without systemd (no systemctl, or not booted with it) every answer says so, and callers rely on heartbeats.
 */
public final class SystemdUnits {
  /** {@code hyper2kvm.service} or {@code hyper2kvm@NAME.service}; the template {@code hyper2kvm@.service} is not an instance. */
  private static final Pattern INSTANCE_UNIT = Pattern.compile("hyper2kvm(?:@([^\\s.][^\\s]*?))?\\.service");
  private static final String NOT_BOOTED = "System has not been booted with systemd";

  /** A unit's state as systemd reports it; {@code available} false when systemd could not be asked. */
  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public record UnitStatus(String unit, boolean available, String loadState, String activeState, String subState,
      long mainPid, String activeSince, String note) {

    /** One word for people: active, inactive, failed, activating, …, "not installed" or "systemd not available". */
    @com.fasterxml.jackson.annotation.JsonProperty("state")
    public String state() {
      if (!available) {
        return "systemd not available";
      }
      if ("not-found".equals(loadState)) {
        return "not installed";
      }
      return activeState == null || activeState.isEmpty() ? "unknown" : activeState;
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isActive() {
      return available && "active".equals(activeState);
    }
  }

  /** The unit's state from {@code systemctl show UNIT --property=LoadState,ActiveState,SubState,MainPID,ActiveEnterTimestamp}. */
  public UnitStatus show(String unit) throws InterruptedException {
    Answer a = systemctl("show", unit, "--property=LoadState,ActiveState,SubState,MainPID,ActiveEnterTimestamp");
    if (a.unavailable() != null) {
      return new UnitStatus(unit, false, null, null, null, 0, null, a.unavailable());
    }
    Map<String, String> p = parse(a.output());
    if (!p.containsKey("LoadState")) {
      return new UnitStatus(unit, false, null, null, null, 0, null,
          "systemctl show " + unit + " said: " + a.output().strip().lines().findFirst().orElse("nothing"));
    }
    long pid;
    try {
      pid = Long.parseLong(p.getOrDefault("MainPID", "0"));
    } catch (NumberFormatException e) {
      pid = 0;
    }
    String since = p.get("ActiveEnterTimestamp");
    return new UnitStatus(unit, true, p.get("LoadState"), p.get("ActiveState"), p.get("SubState"), pid,
        since == null || since.isEmpty() ? null : since, null);
  }

  /**
   * What {@code systemctl is-active UNIT} says ("active", "inactive", "failed", …), or why systemd could not
   * be asked.
   */
  public String isActive(String unit) throws InterruptedException {
    Answer a = systemctl("is-active", unit);
    if (a.unavailable() != null) {
      return a.unavailable();
    }
    String first = a.output().strip().lines().findFirst().orElse("");
    return first.isEmpty() ? "exit " + a.exit() : first;
  }

  /** The named unit properties ({@code systemctl show UNIT --property=...}); empty when systemd cannot say. */
  public Map<String, String> properties(String unit, String... names) throws InterruptedException {
    Answer a = systemctl("show", unit, "--property=" + String.join(",", names));
    return a.unavailable() != null ? Map.of() : parse(a.output());
  }

  private static Map<String, String> parse(String output) {
    Map<String, String> p = new LinkedHashMap<>();
    output.lines().forEach(l -> {
      int eq = l.indexOf('=');
      if (eq > 0) {
        p.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
      }
    });
    return p;
  }

  /**
   * The instances systemd knows, loaded or only installed: "" for {@code hyper2kvm.service}, NAME for
   * {@code hyper2kvm@NAME.service}; empty without systemd.
   */
  public List<String> instances() throws InterruptedException {
    TreeSet<String> found = new TreeSet<>();
    for (String[] args : List.of(
        new String[] {"list-units", "--all", "--plain", "--no-legend", "hyper2kvm*"},
        new String[] {"list-unit-files", "--plain", "--no-legend", "hyper2kvm*"})) {
      Answer a = systemctl(args);
      if (a.unavailable() != null) {
        return List.of();
      }
      for (String line : a.output().lines().toList()) {
        String[] cols = line.strip().split("\\s+");
        // list-units may start a line with a status bullet ("●") for failed or not-found units.
        String first = cols.length > 1 && !cols[0].contains(".") ? cols[1] : cols[0];
        Matcher m = INSTANCE_UNIT.matcher(first);
        if (m.matches()) {
          found.add(m.group(1) == null ? "" : m.group(1));
        }
      }
    }
    return new ArrayList<>(found);
  }

  /** systemctl's output and exit code, or why systemd could not be asked. */
  private record Answer(String output, int exit, String unavailable) {}

  private static Answer systemctl(String... args) throws InterruptedException {
    Optional<Path> systemctl = Executables.onPath("systemctl");
    if (systemctl.isEmpty()) {
      return new Answer("", -1, "no systemctl on PATH");
    }
    List<String> cmd = new ArrayList<>(List.of(systemctl.get().toString()));
    cmd.addAll(List.of(args));
    try {
      // Output goes to a file, not a pipe: a systemctl that hangs must not block the reader past the timeout.
      File out = File.createTempFile("systemctl", ".out");
      try {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return new Answer("", -1, "systemctl gave no answer within 10 s");
        }
        String text = Files.readString(out.toPath(), StandardCharsets.UTF_8);
        if (text.contains(NOT_BOOTED)) {
          return new Answer("", -1, NOT_BOOTED.toLowerCase(Locale.ROOT));
        }
        return new Answer(text, p.exitValue(), null);
      } finally {
        Files.deleteIfExists(out.toPath());
      }
    } catch (IOException e) {
      return new Answer("", -1, "cannot run systemctl: " + e.getMessage());
    }
  }
}
