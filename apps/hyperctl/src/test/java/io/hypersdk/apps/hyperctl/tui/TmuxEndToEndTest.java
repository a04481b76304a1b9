package io.hypersdk.apps.hyperctl.tui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole wizard in a real terminal: {@code hyperctl interactive} in an 80x24 tmux window, driven with
 * send-keys, migrates the sample VM through a real {@code hyperconvert daemon} found in the config dir.
 */
@Timeout(300)
class TmuxEndToEndTest {
  @TempDir
  Path work;

  @Test
  void migratesTheSampleVmThroughTheDaemon() throws Exception {
    Tools.require("tmux", "tmux");
    Tools.require("qemu-img", "qemu-utils");
    Path vms = SampleVms.build(work.resolve("samples"));
    Path config = Files.createDirectories(work.resolve("etc"));
    Path watch = Files.createDirectories(work.resolve("queue"));
    Path converted = Files.createDirectories(work.resolve("converted"));
    Path exports = work.resolve("exports");
    QueueDaemon.writeConfig(config, "demo", watch, converted);
    Path exitFile = work.resolve("hyperctl.exit");
    Path script = launcher(vms, exports, config, exitFile);

    try (QueueDaemon daemon = QueueDaemon.startInstance(config, "demo", work.resolve("logs")); Tmux tmux = Tmux.start(script)) {
      tmux.shows(Duration.ofSeconds(60), "step 1/7: Connect to a provider", "< local >", vms.toString(),
          "Enter connect");
      tmux.sendKeys("Enter");
      tmux.shows(Duration.ofSeconds(20), "step 2/7: Pick VMs", "db01", "web01", "web02", "Space select");
      // db01, web01, web02: the second row is the sample OVA.
      tmux.sendKeys("Down", "Space");
      tmux.shows(Duration.ofSeconds(10), "[x] web01", "1 of 3 selected");
      tmux.sendKeys("Enter");
      tmux.shows(Duration.ofSeconds(10), "step 3/7: Export options", exports.toString());
      // A real terminal's Escape (a lone ESC byte) goes back one step, and the selection is still there.
      tmux.sendKeys("Escape");
      tmux.shows(Duration.ofSeconds(10), "step 2/7", "[x] web01", "1 of 3 selected");
      tmux.sendKeys("Enter");
      tmux.shows(Duration.ofSeconds(10), "step 3/7: Export options", exports.toString());
      // Up from the output folder, past the boot check, to "Fix the guest": off, since the sample disks hold no
      // operating system, which the fix refuses.
      tmux.sendKeys("Up", "Up", "Space");
      tmux.shows(Duration.ofSeconds(10), "Fix the guest < off >");
      tmux.sendKeys("Enter");
      tmux.shows(Duration.ofSeconds(20), "step 4/7", "< demo >", "Watch dir " + watch, "Output dir " + converted);
      tmux.sendKeys("Space");
      String phase = tmux.shows(Duration.ofSeconds(20), "< on >", "Daemon status: active (fresh heartbeat of");
      assertThat(phase).contains("demo").contains("active");
      tmux.sendKeys("Enter");
      tmux.shows(Duration.ofSeconds(20), "step 5/7: Confirm", "Pipeline: daemon mode, hyper2kvm@demo.service",
          "Guest: left as it is (no fix)");
      tmux.sendKeys("Enter");

      // Waits for every line the summary must hold, not just its title: a capture can land in the middle of the
      // repaint (seen in CI: the pane held only "step 7/7: Summary: 1 of").
      Path qcow2 = converted.resolve("web01.qcow2");
      String summary = tmux.shows(Duration.ofSeconds(180), "step 7/7", "Summary: 1 of 1 migrated", "web01: ok",
          "mode: daemon (", "qcow2: " + qcow2, "manifest: " + exports.resolve("web01/artifact-manifest.json"));
      assertThat(summary.split("\n")).allMatch(line -> line.length() <= 80);
      assertThat(qcow2).isRegularFile();
      Tools.Outcome check = Tools.exec(List.of("qemu-img", "check", qcow2.toString()));
      assertThat(check.exitCode()).as(check.output()).isZero();

      tmux.sendKeys("q");
      await("hyperctl to exit").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> Files.isRegularFile(exitFile) && Files.size(exitFile) > 0);
      assertThat(Files.readString(exitFile).strip()).isEqualTo("0");
    }
  }

  /** A script that runs hyperctl with this test's class path and records its exit code. */
  private Path launcher(Path vms, Path exports, Path config, Path exitFile) throws Exception {
    Path script = work.resolve("hyperctl-interactive.sh");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.writeString(script, "#!/bin/sh\n"
        + "export LANG=C.UTF-8 HYPER2KVM_CONFIG_DIR='" + config + "'\n"
        + "'" + java + "' -XX:TieredStopAtLevel=1 -cp '" + System.getProperty("java.class.path") + "' "
        + "io.hypersdk.apps.hyperctl.HyperCtl interactive --provider local --source '" + vms + "' --output '"
        + exports + "' --hyper2kvm-config-dir '" + config + "' 2>'" + work.resolve("hyperctl.err") + "'\n"
        + "echo $? > '" + exitFile + "'\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }
}
