package io.hypersdk.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Every command and subcommand of the four tools has a page in the package that man renders with its options. */
class ManPagesIT {
  private static final List<String> COMMANDS = List.of("io.hypersdk.apps.hyperconvert.HyperConvert",
      "io.hypersdk.apps.hyperexport.HyperExport", "io.hypersdk.apps.hypervisord.HyperVisord",
      "io.hypersdk.apps.hyperctl.HyperCtl");

  @Test
  void everyCommandsPageRendersWithItsOptions() throws Exception {
    Tools.require("man", "man-db");
    List<CommandSpec> specs = new ArrayList<>();
    for (String command : COMMANDS) {
      ManPages.collect(ManPages.commandLine(command).getCommandSpec(), specs);
    }
    assertThat(specs).extracting(s -> s.qualifiedName("-")).contains("hyperconvert", "hyperconvert-daemon",
        "hyperexport", "hypervisord", "hyperctl");
    for (CommandSpec spec : specs) {
      String name = spec.qualifiedName("-");
      Path page = BuiltPackages.staged("/usr/share/man/man1/" + name + ".1.gz");
      assertThat(Files.isRegularFile(page)).as(name).isTrue();
      // Plain ASCII and wide lines, so option names are neither hyphenated nor typographic.
      String text = Tools.run(List.of("env", "LC_ALL=C", "MANWIDTH=250", "man", "-l", page.toString()));
      assertThat(text).as(name).contains(name.toUpperCase(java.util.Locale.ROOT) + "(1)", "NAME", "SYNOPSIS");
      for (OptionSpec option : spec.options().stream().filter(o -> !o.hidden()).toList()) {
        assertThat(text).as(name + " " + option.longestName()).contains(option.longestName());
      }
    }
  }
}
