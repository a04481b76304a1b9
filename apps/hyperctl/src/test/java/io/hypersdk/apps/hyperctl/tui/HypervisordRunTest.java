package io.hypersdk.apps.hyperctl.tui;

import static org.assertj.core.api.Assertions.assertThat;

import com.googlecode.lanterna.input.KeyType;
import io.hypersdk.apps.hyperctl.client.ConnectionSettings;
import io.hypersdk.apps.hypervisord.Hypervisord;
import io.hypersdk.testing.Tools;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The run submitted to a real hypervisord: one job per VM, followed to the end, summarised from its result. */
@Timeout(240)
class HypervisordRunTest {
  @TempDir
  Path work;

  @Test
  void migratesAsHypervisordJobs() throws Exception {
    Path vms = SampleVms.build(work.resolve("samples"));
    Path config = Files.createDirectories(work.resolve("etc"));
    Path out = work.resolve("out");
    try (Hypervisord hypervisord = Hypervisord.start(work, work.resolve("data"), config, null);
        VirtualWizard w = VirtualWizard.local(vms, config)) {
      String url = "http://127.0.0.1:" + hypervisord.port;
      w.model.hypervisord = new ConnectionSettings(URI.create(url), hypervisord.token);
      w.model.fix = false; // the sample disks hold no operating system, which the fix refuses
      w.shows("step 1/7");
      w.key(KeyType.Enter);
      w.shows("step 2/7", "db01");
      w.type(" ").key(KeyType.ArrowDown).key(KeyType.ArrowDown).type(" ").key(KeyType.Enter);
      w.shows("step 3/7");
      w.type(out.toString()).key(KeyType.Enter);
      w.shows("step 4/7", "Run on", "< this machine >");
      w.type(" ");
      w.shows("< hypervisord >", "Daemon status (seen from here): daemon mode off");
      w.key(KeyType.Enter);
      w.shows("step 5/7", "Run on:    hypervisord at " + url, "VMs:       db01, web02");
      w.key(KeyType.Enter);

      String summary = w.shows(Duration.ofSeconds(180), "step 7/7");
      assertThat(summary).contains("Summary: 2 of 2 migrated", "db01: ok", "web02: ok");
      assertThat(summary).contains("hypervisord job: ").contains("mode: direct (daemon mode not requested)")
          .doesNotContain(hypervisord.token);
      for (String vm : List.of("db01", "web02")) {
        Matcher qcow2 = Pattern.compile("qcow2: (\\S*" + vm + "\\S*\\.qcow2)").matcher(VirtualWizard.flat(summary));
        assertThat(qcow2.find()).as("a qcow2 of %s on the summary:\n%s", vm, summary).isTrue();
        assertThat(Path.of(qcow2.group(1))).isRegularFile().startsWith(out.resolve(vm));
        assertThat(Tools.exec(List.of("qemu-img", "check", qcow2.group(1))).exitCode()).isZero();
      }
      // The jobs are hypervisord's: its API lists them, named after the VMs.
      String jobs = hypervisord.api().get("/jobs").body();
      assertThat(jobs).contains("hyperctl interactive: db01").contains("hyperctl interactive: web02");
      assertThat(jobs.replaceAll("\\s+", "")).contains("\"fix\":false").doesNotContain("\"fix\":true")
          .doesNotContain("boot_check");
      w.type("q");
      assertThat(w.awaitExit()).isZero();
    }
  }
}
