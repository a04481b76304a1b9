package io.hypersdk.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's boot_check and boot_check_timeout keys: defaults, values as YAML writes them, and errors. */
class DaemonConfigBootCheckTest {
  @TempDir Path dir;

  DaemonConfig read(String yaml) throws Exception {
    Path f = Files.writeString(dir.resolve("d.yaml"), yaml);
    return DaemonConfig.resolve(DaemonConfig.readFile(f, true), null, null, null, null);
  }

  @Test
  void offAndThreeHundredSecondsByDefault() throws Exception {
    DaemonConfig c = read("# nothing set\n");
    assertThat(c.bootCheck()).isEqualTo("off");
    assertThat(c.bootCheckTimeout()).isEqualTo(300);
  }

  @Test
  void unquotedOnAndOffAreTheModesNotBooleans() throws Exception {
    assertThat(read("boot_check: on\nboot_check_timeout: 900\n")).satisfies(c -> {
      assertThat(c.bootCheck()).isEqualTo("on");
      assertThat(c.bootCheckTimeout()).isEqualTo(900);
    });
    assertThat(read("boot_check: off\n").bootCheck()).isEqualTo("off");
    assertThat(read("boot_check: warn\n").bootCheck()).isEqualTo("warn");
  }

  @Test
  void badValuesAreOneLine() {
    assertThatThrownBy(() -> read("boot_check: always\n")).hasMessage("boot_check must be off, on or warn, not 'always'");
    assertThatThrownBy(() -> read("boot_check_timeout: 0\n")).hasMessage("boot_check_timeout must be at least 1, not 0");
  }
}
