package io.hypersdk.tests.guest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the test guest's report unit wrote to its serial console while booting: the {@code HYPERSDK-KEY value}
 * lines of {@code /usr/local/sbin/hypersdk-guest-report} (see build-guest.sh), read from a boot's serial log.
 */
record GuestReport(List<String> lines) {
  GuestReport {
    lines = List.copyOf(lines);
  }

  /** The report in {@code serial}; lines may carry console noise (carriage returns, a prefix) around them. */
  static GuestReport of(List<String> serial) {
    List<String> found = new ArrayList<>();
    for (String raw : serial) {
      String line = raw.replace("\r", "");
      int at = line.indexOf("HYPERSDK-");
      if (at >= 0) {
        found.add(line.substring(at).strip());
      }
    }
    return new GuestReport(found);
  }

  /** True when the report ran to its end: the guest got as far as the unit before the login prompt. */
  boolean complete() {
    return lines.contains("HYPERSDK-REPORT-END");
  }

  /** The values of every {@code HYPERSDK-KEY ...} line, in order. */
  List<String> all(String key) {
    String prefix = "HYPERSDK-" + key + " ";
    return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()).strip()).toList();
  }

  Optional<String> first(String key) {
    return all(key).stream().findFirst();
  }

  /** The {@code HYPERSDK-NIC NAME MAC DRIVER ADDRESS...} line of the NIC named {@code name}. */
  Optional<String> nic(String name) {
    return all("NIC").stream().filter(v -> v.startsWith(name + " ")).findFirst();
  }

  @Override
  public String toString() {
    return String.join("\n", lines);
  }
}
