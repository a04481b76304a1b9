package io.hypersdk.packaging;

import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The packages this module's build made, and the .deb's files unpacked once into a staged root. */
final class BuiltPackages {
  static final String VERSION = "0.1.0";
  static final List<String> TOOLS = List.of("hyperconvert", "hyperexport", "hypervisord", "hyperctl");
  static final List<String> UNITS = List.of("hyper2kvm.service", "hyper2kvm@.service", "hypervisord.service");
  static final List<String> CONFIGS = List.of("/etc/hyper2kvm/hyper2kvm.conf", "/etc/hyper2kvm/example.yaml.sample",
      "/etc/hypersdk/hypervisord.yaml");

  private static Path stagedRoot;

  private BuiltPackages() {}

  static Path module() {
    return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
  }

  static Path deb() {
    return built(module().resolve("target/hypersdk_" + VERSION + "_all.deb"));
  }

  static Path rpm() {
    return built(module().resolve("target/rpm/hypersdk/RPMS/noarch/hypersdk-" + VERSION + "-1.noarch.rpm"));
  }

  /** The .deb's files under a fresh folder, as dpkg would install them under /. */
  static synchronized Path stagedRoot() {
    if (stagedRoot == null) {
      Tools.require("dpkg-deb", "dpkg");
      Path root = module().resolve("target/staged-root");
      deleteTree(root);
      Tools.run(List.of("dpkg-deb", "-x", deb().toString(), root.toString()));
      stagedRoot = root;
    }
    return stagedRoot;
  }

  /** A file of the staged root by its installed path, e.g. {@code /usr/bin/hyperctl}. */
  static Path staged(String installedPath) {
    return stagedRoot().resolve(installedPath.substring(1));
  }

  /**
   * A copy of a launcher that runs from the staged root instead of /usr/share/hypersdk/lib: the same
   * script with only that folder changed.
   */
  static Path stagedLauncher(String tool, Path into) {
    try {
      String script = Files.readString(staged("/usr/bin/" + tool));
      Path copy = into.resolve(tool);
      Files.writeString(copy, script.replace("/usr/share/hypersdk/lib", staged("/usr/share/hypersdk/lib").toString()));
      copy.toFile().setExecutable(true);
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The queue daemon's settings when its config file sets nothing. */
  static io.hypersdk.queue.DaemonConfig daemonDefaults() {
    try {
      return io.hypersdk.queue.DaemonConfig.resolve(new io.hypersdk.queue.DaemonConfig.FileSettings(
          null, null, null, null, null, null, null, null, null, null, null, null, null, null), null, null, null, null);
    } catch (io.hypersdk.queue.DaemonConfig.ConfigException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  private static Path built(Path p) {
    if (!Files.isRegularFile(p)) {
      throw new AssertionError(p + " is missing: the package phase builds it (mvn -pl packaging -am verify)");
    }
    return p;
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
