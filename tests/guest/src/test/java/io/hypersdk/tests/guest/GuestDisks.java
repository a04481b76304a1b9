package io.hypersdk.tests.guest;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a converted guest's disks with guestfish, as a test checks what the fix stage left in them. */
final class GuestDisks {
  private GuestDisks() {}

  /**
   * Runs guestfish {@code commands} (one per line) on {@code disks} added read-only and returns its output; the
   * test fails with that output when guestfish does. Read-only drives get a throwaway overlay, so a script may
   * mount them read-write and run programs (`sh`) that want to write, and nothing reaches the disks.
   */
  static String guestfish(List<Path> disks, String commands) throws IOException, InterruptedException {
    Tools.require("guestfish", "guestfish");
    List<String> cmd = new ArrayList<>(List.of("guestfish", "--ro"));
    for (Path d : disks) {
      cmd.addAll(List.of("-a", d.toString()));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    // This test runs guestfish itself: the direct backend, and TCG where KVM cannot boot the appliance.
    pb.environment().put("LIBGUESTFS_BACKEND", "direct");
    pb.environment().putIfAbsent("LIBGUESTFS_BACKEND_SETTINGS", "force_tcg");
    Process p = pb.start();
    try (var in = p.getOutputStream()) {
      in.write(("run\n" + commands + "\n").getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("guestfish on %s:\n%s\n%s", disks, commands, out).isZero();
    return out;
  }
}
