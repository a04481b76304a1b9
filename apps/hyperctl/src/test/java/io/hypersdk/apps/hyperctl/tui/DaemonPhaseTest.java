package io.hypersdk.apps.hyperctl.tui;

import static org.assertj.core.api.Assertions.assertThat;

import com.googlecode.lanterna.input.KeyType;
import io.hypersdk.queue.QueueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The daemon configuration phase: the instances of a real config dir, their folders filled in when one is
 * chosen, and the live status following the heartbeat in the queue (fresh, stale, none), without a key.
 */
class DaemonPhaseTest extends WizardTest {
  private Path config() throws Exception {
    Path config = Files.createDirectories(work.resolve("etc"));
    for (String name : new String[] {"lab", "prod"}) {
      Files.writeString(config.resolve(name + ".yaml"), "watch_dir: " + work.resolve(name + "-queue") + "\n"
          + "output_dir: " + work.resolve(name + "-out") + "\n", StandardCharsets.UTF_8);
    }
    return config;
  }

  private static void toDaemonPhase(VirtualWizard w, Path out) {
    w.shows("step 1/7");
    w.key(KeyType.Enter);
    w.shows("step 2/7");
    w.type(" ").key(KeyType.Enter);
    w.shows("step 3/7");
    w.type(out.toString()).key(KeyType.Enter);
  }

  @Test
  void instancesPrefillAndTheStatusFollowsTheHeartbeat() throws Exception {
    Path config = config();
    QueueLayout prod = new QueueLayout(work.resolve("prod-queue"), work.resolve("prod-out"));
    try (VirtualWizard w = VirtualWizard.local(vms, config)) {
      toDaemonPhase(w, work.resolve("out"));
      String phase = w.shows("step 4/7: Pipeline options: daemon configuration", "Instances in " + config + ":",
          "Daemon status: daemon mode off");
      assertThat(phase).containsPattern("lab +inactive +" + work.resolve("lab-queue"))
          .containsPattern("prod +inactive +" + work.resolve("prod-queue"))
          // The first instance is chosen, and its folders are filled in from its config file.
          .containsPattern("Instance +< lab >")
          .containsPattern("Watch dir +" + work.resolve("lab-queue"))
          .containsPattern("Output dir +" + work.resolve("lab-out"));

      // Daemon mode on, then the next instance: prod's folders replace lab's.
      w.type(" ").key(KeyType.ArrowDown).key(KeyType.ArrowRight);
      String chosen = w.shows("< prod >", "< on >");
      assertThat(chosen).containsPattern("Watch dir +" + work.resolve("prod-queue"))
          .containsPattern("Output dir +" + work.resolve("prod-out"));

      // No heartbeat, and systemd is not PID 1 here: the fallback and its reason.
      String none = w.shows("Daemon status: will fall back to direct mode: hyper2kvm@prod.service is not active");
      assertThat(VirtualWizard.flat(none)).contains("no daemon heartbeat is fresh in " + prod.heartbeatDir());

      // A daemon starts beating: the screen changes without a key (the status refreshes every 2 s).
      Heartbeats.write(prod, "testhost-prod", "prod", Duration.ZERO);
      w.shows(Duration.ofSeconds(10), "Daemon status: active (fresh heartbeat of testhost-prod)");

      // Its heartbeat goes stale (no update for ten minutes): back to the fallback.
      Heartbeats.write(prod, "testhost-prod", "prod", Duration.ofMinutes(10));
      w.shows(Duration.ofSeconds(10), "Daemon status: will fall back to direct mode");
      w.type("q");
    }
  }

  @Test
  void noInstanceConfiguredShowsWhereItLookedAndTheFallbackReason() throws Exception {
    Path config = Files.createDirectories(work.resolve("empty-etc"));
    try (VirtualWizard w = VirtualWizard.local(vms, config)) {
      toDaemonPhase(w, work.resolve("out"));
      w.shows("step 4/7", "No hyper2kvm instance configured in " + config, "Instance              < - >");
      w.type(" ");
      String fallback = w.shows("Daemon status: will fall back to direct mode: hyper2kvm.service is not active");
      assertThat(VirtualWizard.flat(fallback)).contains("no daemon heartbeat is fresh in "
          + QueueLayout.DEFAULT_WATCH_DIR.resolve(".heartbeat"));
    }
  }

  @Test
  void runViaTheDaemonShowsProgressAndCtrlCWithdrawsTheManifest() throws Exception {
    Path config = config();
    QueueLayout prod = new QueueLayout(work.resolve("prod-queue"), work.resolve("prod-out"));
    // A heartbeat and no daemon behind it: the job is queued and waits, long enough to watch and cancel.
    Files.createDirectories(prod.outputDir());
    Heartbeats.write(prod, "testhost-prod", "prod", Duration.ZERO);
    try (VirtualWizard w = VirtualWizard.local(vms, config)) {
      toDaemonPhase(w, work.resolve("out"));
      w.shows("step 4/7");
      w.type(" ").key(KeyType.ArrowDown).key(KeyType.ArrowRight);
      w.shows("< prod >", "active (fresh heartbeat of testhost-prod)");
      w.key(KeyType.Enter);
      w.shows("step 5/7", "Pipeline:  daemon mode, hyper2kvm@prod.service");
      w.key(KeyType.Enter);
      String running = w.shows("step 6/7: Migrating", "db01", "converting (daemon)", "Ctrl+C cancel");
      assertThat(running).contains("waiting for job db01-");
      assertThat(pending(prod.watchDir())).hasSize(1);

      w.ctrlC();
      String summary = w.shows(Duration.ofSeconds(30), "step 7/7: Summary: 0 of 1 migrated", "db01: cancelled");
      assertThat(summary).doesNotContain("qcow2:");
      assertThat(pending(prod.watchDir())).isEmpty();
      w.type("q");
      assertThat(w.awaitExit()).isEqualTo(io.hypersdk.cli.ExitCode.JOB_FAILED.code());
    }
  }

  private static java.util.List<String> pending(Path watch) throws Exception {
    try (Stream<Path> s = Files.list(watch)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".") && n.endsWith(".json")).toList();
    }
  }
}
