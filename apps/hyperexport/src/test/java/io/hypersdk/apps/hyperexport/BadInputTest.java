package io.hypersdk.apps.hyperexport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Mistakes on the command line: the right exit code, one line that says what is wrong, no stack trace. */
class BadInputTest extends EndToEndTest {

  static Stream<Arguments> mistakes() {
    return Stream.of(
        Arguments.of("missing --vm", 2, "--vm is required", List.of("--provider", "local", "--output", "OUT")),
        Arguments.of("unknown provider", 2, "provider 'nosuch' is not available",
            List.of("--provider", "nosuch", "--vm", "OVA", "--output", "OUT")),
        Arguments.of("nonexistent VM", 3, "VM /nonexistent/vm.ova not found",
            List.of("--provider", "local", "--vm", "/nonexistent/vm.ova", "--output", "OUT")),
        Arguments.of("nonexistent disk image", 3, "disk image /nonexistent/b.vmdk not found",
            List.of("--provider", "local", "--vm", "DB,/nonexistent/b.vmdk", "--output", "OUT")),
        Arguments.of("unknown format", 2, "--format must be ovf or ova, not 'zip'",
            List.of("--provider", "local", "--vm", "OVA", "--output", "OUT", "--format", "zip")),
        Arguments.of("unknown option", 2, "Unknown option: '--colour'",
            List.of("--provider", "local", "--vm", "OVA", "--output", "OUT", "--colour")),
        Arguments.of("daemon without pipeline", 2, "need --pipeline",
            List.of("--provider", "local", "--vm", "OVA", "--output", "OUT", "--hyper2kvm-daemon")),
        Arguments.of("zero timeout", 2, "must be positive",
            List.of("--provider", "local", "--vm", "OVA", "--output", "OUT", "--pipeline",
                "--hyper2kvm-daemon-timeout", "0")),
        Arguments.of("unknown boot check mode", 2, "--boot-check must be on, warn or off, not 'maybe'",
            List.of("--provider", "local", "--vm", "OVA", "--output", "OUT", "--pipeline", "--boot-check", "maybe")),
        Arguments.of("short boot check timeout", 2, "--boot-check-timeout must be at least 10 seconds, not 3",
            List.of("--provider", "local", "--vm", "OVA", "--output", "OUT", "--boot-check-timeout", "3")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void aMistakeGetsOneLineAndNoStackTrace(String what, int exit, String message, List<String> template) {
    List<String> args = new ArrayList<>();
    for (String a : template) {
      args.add(a.replace("OVA", vm.ova().toString()).replace("DB", vm.dbVmdk().toString())
          .replace("OUT", work.resolve("export").toString()));
    }

    Result r = tools.hyperexport(args.toArray(String[]::new));

    assertThat(r.exit()).as("%s", r).isEqualTo(exit);
    assertThat(errorLines(r)).as("%s", r).singleElement().asString().contains(message);
    assertNoStackTrace(r);
    assertThat(names(work.resolve("export"))).as("nothing was exported").isEmpty();
  }
}
