package io.hypersdk.tests.guest;

import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The VMware-like Debian guest of {@code tests/guest/build-guest.sh}: its OVAs, built once per machine
 * (the script caches them by its own hash, so after the first build this is instant).
 */
final class TestGuest {
  /** The size of each of the guest's two disks (a simulated vSphere VM's disks get the same capacity). */
  static final long DISK_MIB = 2048;
  /** The MACs the build script writes into the OVFs. */
  static final String BIOS_MAC = "00:50:56:a1:12:01";
  static final String UEFI_MAC = "00:50:56:a1:12:02";
  /**
   * A cold build: debootstrap and two disks, several minutes on a shared 2-core machine; the wait for the lock
   * below (scripts/test.sh building both guests beside Maven) counts too.
   */
  private static final long BUILD_TIMEOUT_MINUTES = 40;
  /**
   * Held (util-linux flock) by whoever runs a guest build script, so that a test and scripts/test.sh's build
   * in the background never build the same guest at once: the second one waits, then finds the cache.
   */
  static final String BUILD_LOCK = ".guest-build.lock";

  private static Path built;

  private TestGuest() {}

  /** The OVA of the {@code bios} or {@code uefi} variant. */
  static Path ova(String firmware) {
    return folder().resolve(firmware).resolve("hypersdk-guest.ova");
  }

  /** The VM's name in the OVF, which names the outputs. */
  static String vmName(String firmware) {
    return "hypersdk-guest-" + firmware;
  }

  static String mac(String firmware) {
    return "uefi".equals(firmware) ? UEFI_MAC : BIOS_MAC;
  }

  private static synchronized Path folder() {
    if (built == null) {
      Tools.require("mkfs.vfat", "dosfstools");
      built = build("build-guest.sh", "bios/hypersdk-guest.ova", "uefi/hypersdk-guest.ova");
    }
    return built;
  }

  /**
   * Runs the build script {@code scriptName} of tests/guest (instant when its cache is there) and returns the
   * folder it printed last, which must hold each of {@code ovas}.
   */
  static Path build(String scriptName, String... ovas) {
    for (String[] tool : List.of(new String[] {"debootstrap", "debootstrap"}, new String[] {"sfdisk", "fdisk"},
        new String[] {"qemu-img", "qemu-utils"})) {
      Tools.require(tool[0], tool[1]);
    }
    Tools.require("flock", "util-linux");
    Path script = script(scriptName);
    Path log = Path.of(System.getProperty("java.io.tmpdir"), "hypersdk-" + scriptName.replace(".sh", ".log"));
    try {
      Path lock = cacheRoot().resolve(BUILD_LOCK);
      Files.createDirectories(lock.getParent());
      Process p = new ProcessBuilder("flock", lock.toString(), "bash", script.toString()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      if (!p.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        p.destroy();
        throw new AssertionError(script + " did not finish in " + BUILD_TIMEOUT_MINUTES + " min; log " + log);
      }
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      if (p.exitValue() != 0 || lines.isEmpty()) {
        throw new AssertionError(script + " exited " + p.exitValue() + ":\n" + String.join("\n", lines));
      }
      Path folder = Path.of(lines.get(lines.size() - 1).trim());
      for (String ova : ovas) {
        if (!Files.isRegularFile(folder.resolve(ova))) {
          throw new AssertionError(script + " printed " + folder + ", which lacks " + ova);
        }
      }
      return folder;
    } catch (IOException e) {
      throw new AssertionError("cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Where the build scripts cache the guests: HYPERSDK_GUEST_CACHE, else ~/.cache/hypersdk (as in guest-lib.sh). */
  private static Path cacheRoot() {
    String set = System.getenv("HYPERSDK_GUEST_CACHE");
    return set != null && !set.isEmpty() ? Path.of(set) : Path.of(System.getProperty("user.home"), ".cache", "hypersdk");
  }

  /** A build script of tests/guest, found from the module folder Maven runs the tests in. */
  private static Path script(String name) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("tests/guest/" + name);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
      if (Files.isRegularFile(dir.resolve(name))) {
        return dir.resolve(name);
      }
    }
    throw new AssertionError("tests/guest/" + name + " not found above " + Path.of("").toAbsolutePath());
  }
}
