package io.hypersdk.convert.fix;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionException.Kind;
import io.hypersdk.io.Executables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Windows registry hive of the mounted guest, edited on a local copy with hivexregedit: {@link #open} downloads
 * it, {@link #merge} applies a .reg text, {@link #save} keeps the original (when backups are on) and uploads it.
 */
final class WindowsHive {
  /** The hive with services, drivers and the control sets. */
  static final String SYSTEM = "/Windows/System32/config/SYSTEM";
  /** The hive with installed software and Windows' own settings such as DevicePath. */
  static final String SOFTWARE = "/Windows/System32/config/SOFTWARE";
  private static final Pattern CURRENT = Pattern.compile("\"Current\"=dword:([0-9a-fA-F]{8})");

  private final Guest guest;
  private final String guestPath;
  private final String prefix;
  private final Path local;
  private final Path scratch;

  private WindowsHive(Guest guest, String guestPath, String prefix, Path local, Path scratch) {
    this.guest = guest;
    this.guestPath = guestPath;
    this.prefix = prefix;
    this.local = local;
    this.scratch = scratch;
  }

  /** Downloads the hive at {@code hive} (a path in any case) into {@code scratch}. */
  static WindowsHive open(Guest guest, String hive, Path scratch) throws ConversionException, InterruptedException {
    if (Executables.onPath("hivexregedit").isEmpty()) {
      throw new ConversionException(Kind.ENVIRONMENT, "fixing a Windows guest needs hivexregedit; install it: "
          + "apt-get install -y libwin-hivex-perl");
    }
    Guestfish fish = guest.fish();
    String path = fish.require("case-sensitive-path " + Guestfish.quote(hive)).get(0).trim();
    String name = hive.substring(hive.lastIndexOf('/') + 1);
    Path local = scratch.resolve(name);
    fish.require("download " + Guestfish.quote(path) + " " + Guestfish.quote(local.toString()));
    return new WindowsHive(guest, path, "HKEY_LOCAL_MACHINE\\" + name, local, scratch);
  }

  /** The hive's path in the guest, in the guest's case. */
  String guestPath() {
    return guestPath;
  }

  /** The SYSTEM hive's current control set, "ControlSet001" when \Select says nothing. */
  String currentControlSet() throws ConversionException, InterruptedException {
    Matcher m = CURRENT.matcher(export("\\Select"));
    return String.format("ControlSet%03d", m.find() ? Integer.parseInt(m.group(1), 16) : 1);
  }

  /** The .reg text of {@code key} (relative to the hive's root, e.g. {@code \Select}) and its subkeys. */
  String export(String key) throws ConversionException, InterruptedException {
    return run(List.of("hivexregedit", "--export", local.toString(), key));
  }

  /** The values of {@code key} alone (no subkeys) as .reg lines, or "" when the hive has no such key. */
  String valuesOf(String key) throws ConversionException, InterruptedException {
    String out;
    try {
      out = export(key);
    } catch (ConversionException e) {
      if (e.getMessage().contains("path not found")) {
        return "";
      }
      throw e;
    }
    String[] sections = out.replace("\r", "").split("\n\\[");
    return sections.length > 1 ? sections[1] : "";
  }

  /** Applies .reg sections whose keys are written relative to the hive's root, e.g. {@code [\ControlSet001\...]}. */
  void merge(String sections) throws ConversionException, InterruptedException {
    String reg = "Windows Registry Editor Version 5.00\r\n\r\n" + withParents(sections.replace("\r\n", "\n"))
        .replace("\n", "\r\n").replace("[\\", "[" + prefix + "\\").replace("[-\\", "[-" + prefix + "\\");
    try {
      Path regFile = Files.createTempFile(scratch, "merge", ".reg");
      Files.writeString(regFile, reg, StandardCharsets.UTF_8);
      run(List.of("hivexregedit", "--merge", "--prefix", prefix, local.toString(), regFile.toString()));
      Files.delete(regFile);
    } catch (IOException e) {
      throw new ConversionException(Kind.ENVIRONMENT, "cannot write in " + scratch + ": " + e.getMessage(), e);
    }
  }

  /** hivexregedit creates a key only under an existing parent, so every key's missing ancestors come first. */
  private static String withParents(String sections) {
    StringBuilder out = new StringBuilder();
    for (String line : sections.split("\n", -1)) {
      if (line.startsWith("[\\") && line.endsWith("]")) {
        String[] parts = line.substring(2, line.length() - 1).split("\\\\");
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
          key.append('\\').append(parts[i]);
          out.append('[').append(key).append("]\n\n");
        }
      }
      out.append(line).append('\n');
    }
    return out.toString();
  }

  /** Keeps the guest's original (when backups are on) and uploads the edited hive over it. */
  void save() throws ConversionException, InterruptedException {
    guest.keepOriginal(guestPath);
    guest.fish().require("upload " + Guestfish.quote(local.toString()) + " " + Guestfish.quote(guestPath));
  }

  /** A .reg string value: UTF-16LE code units as hex, for REG_EXPAND_SZ ({@code type} 2) and the like. */
  static String hex(int type, String value) {
    StringBuilder s = new StringBuilder("hex(" + type + "):");
    byte[] b = (value + "\0").getBytes(StandardCharsets.UTF_16LE);
    for (int i = 0; i < b.length; i++) {
      s.append(i == 0 ? "" : ",").append(String.format("%02x", b[i] & 0xff));
    }
    return s.toString();
  }

  private static String run(List<String> command) throws ConversionException, InterruptedException {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new ConversionException(Kind.CONVERSION, "editing a Windows registry hive failed: "
            + Guestfish.oneLine(out));
      }
      return out;
    } catch (IOException e) {
      throw new ConversionException(Kind.ENVIRONMENT, "cannot run hivexregedit: " + e.getMessage(), e);
    }
  }
}
