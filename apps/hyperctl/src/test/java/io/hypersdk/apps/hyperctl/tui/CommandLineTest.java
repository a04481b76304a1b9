package io.hypersdk.apps.hyperctl.tui;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.providers.Providers;
import io.hypersdk.testing.JavaProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hyperctl interactive} run as a process without a terminal (stdin from /dev/null, output to files):
 * the one-line message instead of a screen, and one-line usage errors; exit 2 and no stack trace each time.
 */
@Timeout(60)
class CommandLineTest {
  @TempDir
  Path work;

  private JavaProcess run(String... args) throws Exception {
    JavaProcess p = JavaProcess.start(work, "hyperctl", "io.hypersdk.apps.hyperctl.HyperCtl", List.of(args), Map.of(),
        null);
    assertThat(p.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    return p;
  }

  @Test
  void withoutATerminalItSaysSoInOneLineAndExits2() throws Exception {
    for (String command : new String[] {"interactive", "migrate"}) {
      try (JavaProcess p = run(command, "--provider", "local", "--source", work.toString())) {
        assertThat(p.process().exitValue()).isEqualTo(2);
        assertThat(p.stderr()).isEqualTo("hyperctl: interactive needs a terminal (stdin is not a TTY); use "
            + "'hyperexport' or 'hyperctl jobs submit' for scripts\n");
        assertThat(p.stdout()).isEmpty();
      }
    }
  }

  @Test
  void usageErrorsAreOneLine() throws Exception {
    Map<List<String>, String> cases = Map.of(
        List.of("--provider", "xen"), "hyperctl: --provider must be one of "
            + String.join(", ", Providers.discover().names()) + ", not 'xen'",
        List.of("--token-file", work.resolve("t").toString()), "hyperctl: --token-file needs --hypervisord URL",
        List.of("--hypervisord", "ftp://host"),
        "hyperctl: 'ftp://host' is not a hypervisord URL (like http://127.0.0.1:8080)");
    for (Map.Entry<List<String>, String> c : cases.entrySet()) {
      List<String> args = new ArrayList<>(List.of("interactive"));
      args.addAll(c.getKey());
      try (JavaProcess p = run(args.toArray(String[]::new))) {
        assertThat(p.process().exitValue()).as("%s", args).isEqualTo(2);
        assertThat(p.stderr()).as("%s", args).isEqualTo(c.getValue() + "\n");
      }
    }
  }
}
