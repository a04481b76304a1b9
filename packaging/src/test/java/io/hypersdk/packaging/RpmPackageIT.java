package io.hypersdk.packaging;

import static io.hypersdk.packaging.BuiltPackages.CONFIGS;
import static io.hypersdk.packaging.BuiltPackages.TOOLS;
import static io.hypersdk.packaging.BuiltPackages.UNITS;
import static io.hypersdk.packaging.BuiltPackages.rpm;
import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.testing.Tools;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The .rpm as rpm sees it: the same files as the .deb in RPM's places, configs, requirements, scriptlets. */
class RpmPackageIT {

  private static String query(String... args) {
    Tools.require("rpm", "rpm");
    List<String> cmd = new ArrayList<>(List.of("rpm", "-qp"));
    cmd.addAll(List.of(args));
    cmd.add(rpm().toString());
    return Tools.run(cmd);
  }

  @Test
  void isNoarchAndHasTheDebsFilesWithTheirModes() {
    assertThat(query("--qf", "%{NAME} %{VERSION} %{RELEASE} %{ARCH}")).isEqualTo("hypersdk 0.1.0 1 noarch");
    Map<String, String> files = new TreeMap<>();
    for (String line : query("--qf", "[%{FILEMODES:perms} %{FILEUSERNAME} %{FILENAMES}\\n]").split("\n")) {
      String[] f = line.split(" ");
      files.put(f[2], f[0] + " " + f[1]);
    }
    for (String tool : TOOLS) {
      assertThat(files).containsEntry("/usr/bin/" + tool, "-rwxr-xr-x root")
          .containsEntry("/usr/share/man/man1/" + tool + ".1.gz", "-rw-r--r-- root")
          .containsKey("/usr/share/hypersdk/lib/" + tool + "-0.1.0.jar");
    }
    for (String unit : UNITS) {
      assertThat(files).containsEntry("/usr/lib/systemd/system/" + unit, "-rw-r--r-- root");
    }
    assertThat(files).containsEntry("/usr/lib/hypersdk/hyper2kvm-wait-ready", "-rwxr-xr-x root")
        .containsEntry("/usr/lib/hypersdk/hypersdk-setup", "-rwxr-xr-x root");
    // Directories shared with the system are not the package's.
    assertThat(files).doesNotContainKeys("/usr/bin", "/usr/lib/systemd/system", "/usr/share/man/man1")
        .containsKeys("/etc/hyper2kvm", "/etc/hypersdk", "/usr/share/hypersdk/lib");
  }

  @Test
  void configsAreNoreplace() {
    Map<String, String> flags = new TreeMap<>();
    for (String line : query("--qf", "[%{FILEFLAGS:fflags} %{FILENAMES}\\n]").split("\n")) {
      String[] f = line.split(" ");
      if (f.length == 2) {
        flags.put(f[1], f[0]);
      }
    }
    for (String config : CONFIGS) {
      assertThat(flags.get(config)).as(config).isEqualTo("cn");
    }
    assertThat(query("-c").lines().toList()).containsExactlyInAnyOrderElementsOf(CONFIGS);
  }

  @Test
  void requiresAJava17RuntimeAndQemuImg() {
    assertThat(query("--requires").lines().map(String::strip).toList())
        .contains("java-headless >= 1:17", "qemu-img", "shadow-utils");
  }

  @Test
  void scriptletsCreateUsersAndHandleServicesByInstallCount() {
    String scripts = query("--scripts");
    assertThat(scripts).contains("postinstall scriptlet", "/usr/lib/hypersdk/hypersdk-setup || exit 1",
        "if [ \"$1\" -ge 2 ]; then", "try-restart hypervisord.service hyper2kvm.service 'hyper2kvm@*.service'",
        "preuninstall scriptlet", "systemctl disable --quiet hypervisord.service hyper2kvm.service",
        "postuninstall scriptlet");
  }
}
