package io.hypersdk.apps.hyperctl.tui;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.convert.testing.JavaProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Without a terminal the wizard says so in one line and exits 2, instead of drawing into a pipe. */
@Timeout(60)
class NoTerminalTest {
  @TempDir
  Path work;

  @Test
  void stdinFromDevNullGivesOneLineAndExit2() throws Exception {
    for (String command : new String[] {"interactive", "migrate"}) {
      // JavaProcess reads stdin from /dev/null and writes stdout and stderr to files: no terminal anywhere.
      try (JavaProcess p = JavaProcess.start(work, "hyperctl-" + command, "io.hypersdk.apps.hyperctl.HyperCtl",
          List.of(command, "--provider", "local", "--source", work.toString()), Map.of(), null)) {
        assertThat(p.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.process().exitValue()).isEqualTo(2);
        assertThat(p.stderr()).isEqualTo("hyperctl: interactive needs a terminal (stdin is not a TTY); use "
            + "'hyperexport' or 'hyperctl jobs submit' for scripts\n");
        assertThat(p.stdout()).isEmpty();
      }
    }
  }
}
