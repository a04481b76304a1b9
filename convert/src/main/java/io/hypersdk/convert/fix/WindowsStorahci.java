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
 * Lets a Windows guest without virtio drivers boot from SATA: the {@code storahci} service is set to start at
 * boot (Start=0) and its StartOverride key, which Windows uses to disable it again, is deleted. Without this,
 * Windows stops with INACCESSIBLE_BOOT_DEVICE (0x7B) on an AHCI disk. The SYSTEM hive is edited on a copy with
 * hivexregedit and uploaded back.
 */
public final class WindowsStorahci implements GuestFix {
  static final String HIVE = "/Windows/System32/config/SYSTEM";
  private static final Pattern CURRENT = Pattern.compile("\"Current\"=dword:([0-9a-fA-F]{8})");
  private final Path scratch;

  public WindowsStorahci(Path scratch) {
    this.scratch = scratch;
  }

  @Override
  public void apply(Guest guest) throws ConversionException, InterruptedException {
    if (Executables.onPath("hivexregedit").isEmpty()) {
      throw new ConversionException(Kind.ENVIRONMENT, "fixing a Windows guest needs hivexregedit; install it: "
          + "apt-get install -y libwin-hivex-perl");
    }
    Guestfish fish = guest.fish();
    String hivePath = fish.require("case-sensitive-path " + Guestfish.quote(HIVE)).get(0).trim();
    Path local = scratch.resolve("SYSTEM");
    fish.require("download " + Guestfish.quote(hivePath) + " " + Guestfish.quote(local.toString()));
    Matcher m = CURRENT.matcher(hivex(List.of("hivexregedit", "--export", local.toString(), "\\Select")));
    int set = m.find() ? Integer.parseInt(m.group(1), 16) : 1;
    String key = String.format("HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet%03d\\Services\\storahci", set);
    String reg = "Windows Registry Editor Version 5.00\r\n\r\n[" + key + "]\r\n\"Start\"=dword:00000000\r\n\r\n[-"
        + key + "\\StartOverride]\r\n";
    try {
      Path regFile = scratch.resolve("storahci.reg");
      Files.writeString(regFile, reg, StandardCharsets.UTF_8);
      hivex(List.of("hivexregedit", "--merge", "--prefix", "HKEY_LOCAL_MACHINE\\SYSTEM", local.toString(),
          regFile.toString()));
    } catch (IOException e) {
      throw new ConversionException(Kind.ENVIRONMENT, "cannot write in " + scratch + ": " + e.getMessage(), e);
    }
    guest.keepOriginal(hivePath);
    fish.require("upload " + Guestfish.quote(local.toString()) + " " + Guestfish.quote(hivePath));
    guest.record(hivePath, "storahci enabled at boot (ControlSet" + String.format("%03d", set)
        + "\\Services\\storahci Start=0, StartOverride removed) so Windows boots from SATA");
  }

  private static String hivex(List<String> command) throws ConversionException, InterruptedException {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new ConversionException(Kind.CONVERSION, "editing the Windows SYSTEM hive failed: "
            + Guestfish.oneLine(out));
      }
      return out;
    } catch (IOException e) {
      throw new ConversionException(Kind.ENVIRONMENT, "cannot run hivexregedit: " + e.getMessage(), e);
    }
  }
}
