package io.hypersdk.apps.hyperexport;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.testing.SystemctlStandIn;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Daemon mode when the queue cannot be written: exit 6 and one line that names the folder. */
class EnvironmentTest extends EndToEndTest {

  @BeforeEach
  void aDaemonIsActive() {
    // Daemon mode is selected, so the submission itself meets the folder problem.
    SystemctlStandIn.install(bin()).answerAll("active", 0);
  }

  private Result export(Path watch, Path output) {
    return tools.hyperexport("--provider", "local", "--vm", vm.dbVmdk().toString(), "--output",
        work.resolve("export").toString(), "--pipeline", "--no-fix", "--hyper2kvm-daemon", "--hyper2kvm-watch-dir",
        watch.toString(), "--hyper2kvm-output-dir", output.toString(), "--hyper2kvm-poll-interval", "0.2", "-q");
  }

  @Test
  void aMissingWatchDirIsAnEnvironmentError() {
    Path watch = work.resolve("no-such-queue");
    Path output = dir("output");

    Result r = export(watch, output);

    assertThat(r.exit()).as("%s", r).isEqualTo(6);
    assertThat(errorLines(r)).as("%s", r).singleElement().asString()
        .isEqualTo("hyperexport: watch dir " + watch + " does not exist; create it or start the daemon that owns it");
    assertThat(r.stderrLines()).as("one line and nothing else on stderr with -q").hasSize(1);
    assertThat(watch).doesNotExist();
    assertThat(names(output)).isEmpty();
    assertNoStackTrace(r);
  }

  @Test
  void aReadOnlyWatchDirIsAnEnvironmentError() {
    Queue q = queue("q");
    Result r;
    ReadOnlyDir ro = ReadOnlyDir.of(q.watch());
    try {
      r = export(q.watch(), q.output());
    } finally {
      ro.close();
    }

    assertThat(r.exit()).as("%s", r).isEqualTo(6);
    // The system's own reason for the condition this test created, not a Java class name.
    String reason = ro.how().equals("chattr") ? "(Operation not permitted)" : "(Read-only file system)";
    assertThat(errorLines(r)).as("%s", r).singleElement().asString()
        .startsWith("hyperexport: watch dir " + q.watch() + " is not writable").contains(reason);
    assertThat(r.stderrLines()).hasSize(1);
    assertThat(names(q.watch())).as("nothing was left in the queue").isEmpty();
    assertNoStackTrace(r);
  }
}
