package io.hypersdk.packaging;

import static io.hypersdk.packaging.BuiltPackages.CONFIGS;
import static io.hypersdk.packaging.BuiltPackages.TOOLS;
import static io.hypersdk.packaging.BuiltPackages.UNITS;
import static io.hypersdk.packaging.BuiltPackages.deb;
import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .deb as dpkg sees it: files and modes, control fields, conffiles and maintainer scripts. */
class DebPackageIT {

  /** Installed path to "MODE OWNER" from dpkg-deb -c. */
  private static Map<String, String> contents() {
    Tools.require("dpkg-deb", "dpkg");
    Map<String, String> files = new TreeMap<>();
    for (String line : Tools.run(List.of("dpkg-deb", "-c", deb().toString())).split("\n")) {
      String[] f = line.trim().split("\\s+");
      files.put(f[5].substring(1), f[0] + " " + f[1]);
    }
    return files;
  }

  @Test
  void installsLaunchersUnitsHelpersAndConfigsWithTheirModes() {
    Map<String, String> files = contents();
    for (String tool : TOOLS) {
      assertThat(files).containsEntry("/usr/bin/" + tool, "-rwxr-xr-x root/root");
      assertThat(files).containsEntry("/usr/share/man/man1/" + tool + ".1.gz", "-rw-r--r-- root/root");
    }
    for (String unit : UNITS) {
      assertThat(files).containsEntry("/lib/systemd/system/" + unit, "-rw-r--r-- root/root");
    }
    assertThat(files).containsEntry("/usr/lib/hypersdk/hyper2kvm-wait-ready", "-rwxr-xr-x root/root")
        .containsEntry("/usr/lib/hypersdk/hypersdk-setup", "-rwxr-xr-x root/root");
    for (String config : CONFIGS) {
      assertThat(files).containsEntry(config, "-rw-r--r-- root/root");
    }
    // Nothing outside the package's own places: no /var state (the scripts make it), no stray build files.
    assertThat(files.keySet()).allMatch(p -> Stream.of("/usr/bin", "/usr/share/hypersdk", "/usr/share/man",
        "/usr/lib/hypersdk", "/lib/systemd", "/etc/hyper2kvm", "/etc/hypersdk").anyMatch(p::startsWith)
        || Set.of("", "/usr", "/usr/share", "/usr/lib", "/lib", "/etc").contains(p.replaceAll("/$", "")));
  }

  @Test
  void sharesOneLibFolderWithEveryJarTheAppsWereBuiltWithAndNoDuplicates() throws IOException {
    Set<String> jars = contents().keySet().stream().filter(p -> p.startsWith("/usr/share/hypersdk/lib/"))
        .filter(p -> p.endsWith(".jar")).map(p -> p.substring(p.lastIndexOf('/') + 1)).collect(Collectors.toSet());
    Map<String, Path> built = new TreeMap<>();
    for (String tool : TOOLS) {
      assertThat(jars).contains(tool + "-0.1.0.jar");
      Path lib = BuiltPackages.module().resolve("../apps/" + tool + "/target/lib");
      try (Stream<Path> s = Files.list(lib)) {
        s.forEach(p -> built.put(p.getFileName().toString(), p));
      }
      assertThat(jars).as("jars of " + tool).containsAll(built.keySet());
    }
    // One version of each library. Libraries are told apart by the Maven coordinates inside the jar, as two
    // projects may share an artifact id (org.jetbrains:annotations and the AWS SDK's annotations).
    Map<String, List<String>> byArtifact = jars.stream()
        .collect(Collectors.groupingBy(j -> coordinates(built.get(j), j)));
    assertThat(byArtifact.values()).allMatch(v -> v.size() == 1);
    assertThat(jars).noneMatch(j -> j.startsWith("picocli-codegen") || j.startsWith("hypersdk-packaging"));
  }

  /** groupId:artifactId from the jar's pom.properties, else the file name without its version. */
  private static String coordinates(Path jar, String name) {
    String fallback = name.replaceAll("-[0-9][^-]*\\.jar$", "");
    if (jar == null) {
      return fallback;
    }
    try (java.util.jar.JarFile f = new java.util.jar.JarFile(jar.toFile())) {
      return f.stream().filter(e -> e.getName().startsWith("META-INF/maven/"))
          .filter(e -> e.getName().endsWith("/pom.properties")).findFirst().map(e -> {
            try (var in = f.getInputStream(e)) {
              java.util.Properties p = new java.util.Properties();
              p.load(in);
              return p.getProperty("groupId") + ":" + p.getProperty("artifactId");
            } catch (IOException ex) {
              throw new java.io.UncheckedIOException(ex);
            }
          }).orElse(fallback);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void controlDeclaresARuntimeQemuAndLibvirtClients() {
    String control = Tools.run(List.of("dpkg-deb", "-f", deb().toString()));
    assertThat(control).contains("Package: hypersdk\n", "Version: 0.1.0\n", "Architecture: all\n",
        "Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless, qemu-utils, passwd\n",
        "Recommends: libvirt-clients, qemu-system-x86, ovmf\n");
  }

  @Test
  void configsAreConffilesAndScriptsAreValidShell(@TempDir Path dir) throws IOException {
    Tools.run(List.of("dpkg-deb", "-e", deb().toString(), dir.toString()));
    assertThat(Files.readAllLines(dir.resolve("conffiles"))).containsExactlyInAnyOrderElementsOf(CONFIGS);
    for (String script : List.of("postinst", "prerm", "postrm")) {
      Path p = dir.resolve(script);
      assertThat(Files.isExecutable(p)).as(script).isTrue();
      Tools.run(List.of("sh", "-n", p.toString()));
    }
    assertThat(dir.resolve("preinst")).doesNotExist();
  }

  @Test
  void prermStopsAndDisablesOnRemoveButNotOnUpgrade(@TempDir Path dir) throws IOException {
    Tools.run(List.of("dpkg-deb", "-e", deb().toString(), dir.resolve("control").toString()));
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path calls = dir.resolve("calls");
    Path systemctl = bin.resolve("systemctl");
    // A stand-in: systemd is not PID 1 here, and the test must not touch the machine's units.
    Files.writeString(systemctl, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n");
    systemctl.toFile().setExecutable(true);
    String path = bin + ":" + System.getenv("PATH");

    assertThat(runScript(dir.resolve("control/prerm"), path, "upgrade", "0.1.0").exitCode()).isZero();
    assertThat(calls).doesNotExist();

    assertThat(runScript(dir.resolve("control/prerm"), path, "remove").exitCode()).isZero();
    assertThat(Files.readString(calls)).contains("disable --quiet hypervisord.service hyper2kvm.service");
  }

  private static Tools.Outcome runScript(Path script, String path, String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of("env", "PATH=" + path, "sh", script.toString()));
    cmd.addAll(List.of(args));
    return Tools.exec(cmd);
  }
}
