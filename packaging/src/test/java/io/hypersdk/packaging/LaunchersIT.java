package io.hypersdk.packaging;

import static io.hypersdk.packaging.BuiltPackages.TOOLS;
import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged launchers run every tool from the one shared lib folder. */
class LaunchersIT {

  @Test
  void everyToolStartsFromTheSharedClasspath(@TempDir Path dir) {
    for (String tool : TOOLS) {
      Tools.Outcome run = Tools.exec(List.of(BuiltPackages.stagedLauncher(tool, dir).toString(), "--version"));
      assertThat(run.exitCode()).as(tool).isZero();
      assertThat(run.output().strip()).isEqualTo(tool + " 0.1.0");
    }
    Tools.Outcome daemonHelp = Tools.exec(List.of(BuiltPackages.stagedLauncher("hyperconvert", dir).toString(),
        "daemon", "--help"));
    assertThat(daemonHelp.output()).contains("--config", "--instance", "78");
  }

  @Test
  void aBadFlagIsOneLineWithoutLoggingNoise(@TempDir Path dir) {
    Tools.Outcome run = Tools.exec(List.of(BuiltPackages.stagedLauncher("hyperexport", dir).toString(), "--nope"));
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).startsWith("hyperexport: Unknown option: '--nope'").doesNotContain("logback", "SLF4J");
  }

  @Test
  void onlyOneJarCarriesADefaultLogbackConfig() throws IOException {
    long withLogbackXml;
    try (Stream<Path> jars = Files.list(BuiltPackages.staged("/usr/share/hypersdk/lib"))) {
      withLogbackXml = jars.filter(j -> {
        try (JarFile jar = new JarFile(j.toFile())) {
          return jar.getEntry("logback.xml") != null;
        } catch (IOException e) {
          throw new AssertionError(j + ": " + e.getMessage(), e);
        }
      }).count();
    }
    assertThat(withLogbackXml).isEqualTo(1);
  }

  @Test
  void hypervisordServesWithThePackagedConfigAndStopsCleanly(@TempDir Path dir) throws Exception {
    // The packaged config with only the data dir and port changed, so the test needs no root and no fixed port.
    String config = Files.readString(BuiltPackages.staged("/etc/hypersdk/hypervisord.yaml"))
        .replace("listen: 127.0.0.1:8080", "listen: 127.0.0.1:0")
        .replace("data_dir: /var/lib/hypervisord", "data_dir: " + dir.resolve("data"));
    Path file = dir.resolve("hypervisord.yaml");
    Files.writeString(file, config);
    Process p = new ProcessBuilder(BuiltPackages.stagedLauncher("hypervisord", dir).toString(), "--config",
        file.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!log(dir).contains("hypervisord listening on http://127.0.0.1:") && System.nanoTime() < deadline) {
        assertThat(p.isAlive()).as("hypervisord exited: " + log(dir)).isTrue();
        Thread.sleep(200);
      }
      assertThat(log(dir)).contains("hypervisord listening on http://127.0.0.1:")
          .contains("providers: " + String.join(", ", providers(BuiltPackages.stagedLauncher("hyperexport", dir))));
    } finally {
      p.destroy();
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(log(dir)).isZero();
    assertThat(log(dir)).contains("hypervisord stopped").doesNotContain("Exception");
  }

  @Test
  void theCheckoutLaunchersAndThePackageCarryTheSameProviders(@TempDir Path dir) throws Exception {
    List<String> packaged = providers(BuiltPackages.stagedLauncher("hyperexport", dir));
    assertThat(packaged).contains("local", "vsphere");
    Path checkout = BuiltPackages.module().getParent();
    assertThat(providers(checkout.resolve("bin/hyperexport"))).isEqualTo(packaged);
    // bin/hypervisord names the providers it found when it starts.
    Process p = new ProcessBuilder(checkout.resolve("bin/hypervisord").toString(), "--listen", "127.0.0.1:0",
        "--data-dir", dir.resolve("data").toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("log").toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!log(dir).contains("hypervisord listening on") && System.nanoTime() < deadline) {
        assertThat(p.isAlive()).as("bin/hypervisord exited: " + log(dir)).isTrue();
        Thread.sleep(200);
      }
      assertThat(log(dir)).contains("providers: " + String.join(", ", packaged) + ",");
    } finally {
      p.destroy();
      p.waitFor(60, TimeUnit.SECONDS);
    }
  }

  /** The provider names {@code hyperexport --list-providers} prints, one per line. */
  private static List<String> providers(Path hyperexport) {
    Tools.Outcome run = Tools.exec(List.of(hyperexport.toString(), "--list-providers"));
    assertThat(run.exitCode()).as(run.output()).isZero();
    return run.output().lines().map(l -> l.split("\\s+")[0]).toList();
  }

  private static String log(Path dir) throws IOException {
    return Files.readString(dir.resolve("log"), StandardCharsets.UTF_8);
  }
}
