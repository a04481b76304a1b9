package io.hypersdk.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/DEPLOYMENT.md names every file the package installs that an administrator deals with: the systemd
 * units (deploy/systemd), the launchers and the config files (packaging/src), and the state folders that
 * hypersdk-setup creates, with their modes.
 */
class DeploymentFilesTest {
  private static final String DOC = "docs/DEPLOYMENT.md";
  /** {@code make_dir MODE OWNER:GROUP PATH} in packaging/src/lib/hypersdk-setup. */
  private static final Pattern MAKE_DIR = Pattern.compile("^make_dir (\\d+) \\S+ (\\S+)$", Pattern.MULTILINE);

  @Test
  void everyUnitLauncherConfigAndStateFolderIsDocumented() throws IOException {
    Path root = Docs.root();
    String doc = Docs.read(root.resolve(DOC));
    List<String> missing = new ArrayList<>();
    List<String> units = names(root.resolve("deploy/systemd"));
    assertThat(units).as("units in deploy/systemd").isNotEmpty();
    units.stream().filter(u -> !doc.contains("`" + u + "`")).forEach(u -> missing.add("unit " + u));
    for (String launcher : names(root.resolve("packaging/src/bin"))) {
      if (!doc.contains("/usr/bin/" + launcher)) {
        missing.add("launcher /usr/bin/" + launcher);
      }
    }
    Path etc = root.resolve("packaging/src/etc");
    try (Stream<Path> files = Files.walk(etc)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        String installed = "/etc/" + etc.relativize(f).toString().replace('\\', '/');
        if (!doc.contains(installed)) {
          missing.add("config file " + installed);
        }
      }
    }
    Matcher dir = MAKE_DIR.matcher(Docs.read(root.resolve("packaging/src/lib/hypersdk-setup")));
    int dirs = 0;
    while (dir.find()) {
      dirs++;
      String mode = dir.group(1);
      String path = dir.group(2);
      boolean onOneLine = doc.lines().anyMatch(l -> l.contains(path) && Docs.hasToken(l, mode));
      if (!onOneLine) {
        missing.add("state folder " + path + " with mode " + mode + " on its line");
      }
    }
    assertThat(dirs).as("folders made by hypersdk-setup").isPositive();
    Missing.failIfAny(DOC, "installed files", missing);
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
