package io.hypersdk.apps.hyperconvert.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.queue.JobRecord;
import io.hypersdk.queue.JobState;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.Tools;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's boot_check key applies to manifests that do not say: the sample disks hold no OS, so the
 * firmware finds nothing to boot (real qemu, TCG). warn publishes with the report; on fails the job and keeps
 * the serial console's last lines in VM.error.
 */
class DaemonBootCheckTest {
  @TempDir Path tmp;

  QueueDaemon start(TestQueue q, String mode) {
    Path cfg = q.config("bootcheck-" + mode, Map.of("boot_check", mode, "boot_check_timeout", 60));
    return QueueDaemon.with(cfg, q.layout).logDir(q.logs).env("HYPERSDK_ACCEL", "tcg").start();
  }

  @Test
  void warnPublishesWithTheReportAndOnFailsWithTheSerialConsoleInTheErrorFile() {
    Tools.require("qemu-img", "qemu-utils");
    Tools.require("qemu-system-x86_64", "qemu-system-x86");
    TestQueue q = new TestQueue(tmp);
    Path disk = q.disk("bc-boot", 8, 71);

    try (QueueDaemon d = start(q, "warn")) {
      d.awaitHeartbeat();
      q.submit(TestQueue.manifest("bc-warn", "job-bc-warn", disk), "bc-warn.json");
      JobRecord r = q.awaitRecord("job-bc-warn", JobState.COMPLETED, d);
      assertThat(r.result().bootCheck().status()).isEqualTo("failed");
      assertThat(r.result().bootCheck().reason()).startsWith("no boot disk found by the firmware");
      assertThat(r.result().warnings()).anyMatch(w -> w.startsWith("boot check failed (boot_check: warn"));
      assertThat(TestQueue.read(q.outputs("bc-warn").resultJson())).contains("\"boot_check\"", "\"serial_tail\"");
      assertThat(d.term()).isZero();
    }

    try (QueueDaemon d = start(q, "on")) {
      d.awaitHeartbeat();
      q.submit(TestQueue.manifest("bc-on", "job-bc-on", disk), "bc-on.json");
      JobRecord r = q.awaitRecord("job-bc-on", JobState.FAILED, d);
      assertThat(r.error()).isEqualTo("boot check failed: no boot disk found by the firmware (Boot failed: not a "
          + "bootable disk)");
      List<String> error = TestQueue.read(q.outputs("bc-on").errorFile()).lines().toList();
      assertThat(error).contains("  serial console, last lines:", "    No bootable device.");
      assertThat(q.outputsStartingWith("bc-on")).containsExactly("bc-on.error");
      assertThat(d.term()).isZero();
    }
  }
}
