package io.hypersdk.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A tiny initramfs (newc cpio) whose {@code /init} is a shell script run by the host's {@code /bin/sh} and
 * the libraries it links; booted with the host kernel it reaches {@code /init} in a few seconds under TCG.
 * Boot tests use it as a guest that prints exactly what they need on its serial console.
 */
public final class Initramfs {
  private static final Pattern LIB = Pattern.compile("(/\\S+) \\(0x");

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final Set<String> dirs = new LinkedHashSet<>();
  private int inode = 1;

  private Initramfs() {}

  /** The host's kernel in /boot, which boots with such an initramfs; fails the test naming the package. */
  public static Path hostKernel() throws IOException {
    try (Stream<Path> boot = Files.list(Path.of("/boot"))) {
      return boot.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).sorted().reduce((a, b) -> b)
          .orElseThrow(() -> new AssertionError("a kernel in /boot is required by this test; install it: "
              + "apt-get install -y linux-image-cloud-amd64"));
    }
  }

  /** Writes an initramfs to {@code target} whose init runs {@code script} (without the #! line). */
  public static Path withInit(Path target, String script) throws IOException {
    Initramfs cpio = new Initramfs();
    cpio.entry("dev", 0040755, new byte[0], 0, 0);
    cpio.entry("dev/console", 0020600, new byte[0], 5, 1);
    List<String> files = new ArrayList<>(List.of("/bin/sh"));
    Matcher m = LIB.matcher(Tools.run(List.of("ldd", "/bin/sh")));
    while (m.find()) {
      files.add(m.group(1));
    }
    for (String f : files) {
      cpio.file(f.substring(1), Files.readAllBytes(Path.of(f)), 0100755);
    }
    cpio.file("init", ("#!/bin/sh\n" + script + "\n").getBytes(StandardCharsets.UTF_8), 0100755);
    cpio.entry("TRAILER!!!", 0, new byte[0], 0, 0);
    Files.write(target, cpio.out.toByteArray());
    return target;
  }

  private void file(String path, byte[] data, int mode) throws IOException {
    String parent = path.contains("/") ? path.substring(0, path.lastIndexOf('/')) : "";
    List<String> missing = new ArrayList<>();
    for (String p = parent; !p.isEmpty() && !dirs.contains(p);
        p = p.contains("/") ? p.substring(0, p.lastIndexOf('/')) : "") {
      missing.add(0, p);
    }
    for (String d : missing) {
      dirs.add(d);
      entry(d, 0040755, new byte[0], 0, 0);
    }
    entry(path, mode, data, 0, 0);
  }

  private void entry(String name, int mode, byte[] data, int rdevMajor, int rdevMinor) throws IOException {
    byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
    String header = String.format("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", inode++, mode, 0, 0,
        1, 0, data.length, 0, 0, rdevMajor, rdevMinor, n.length, 0);
    out.write(header.getBytes(StandardCharsets.US_ASCII));
    out.write(n);
    pad();
    out.write(data);
    pad();
  }

  private void pad() {
    while (out.size() % 4 != 0) {
      out.write(0);
    }
  }
}
