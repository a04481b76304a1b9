package io.hypersdk.apps.hyperconvert.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.io.Sha256;
import io.hypersdk.queue.ConversionResult;
import io.hypersdk.queue.JobRecord;
import io.hypersdk.queue.JobState;
import io.hypersdk.queue.OutputFile;
import io.hypersdk.queue.OutputFiles;
import io.hypersdk.queue.QueueFiles;
import io.hypersdk.testing.QueueDaemon;
import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a successful job leaves: the VM's files under their final names, complete from the first moment, and its record. */
class DaemonOutputsTest {
  @TempDir
  Path tmp;

  @Test
  void successPublishesCompleteOutputsAndNoFinalNameEverShowsAPartialFile() throws IOException {
    Tools.require("qemu-img", "qemu-utils");
    TestQueue q = new TestQueue(tmp);
    Path boot = q.disk("big-boot", 256, 11);
    Path data = q.disk("big-data", 16, 12);
    OutputFiles out = q.outputs("big-vm");
    Path primary = out.primaryDisk("qcow2");
    Path extra = out.extraDisk("data1", "qcow2");
    Set<String> finalNames = Set.of("big-vm.qcow2", "big-vm-data1.qcow2", "big-vm.xml", "big-vm.result.json");

    try (QueueDaemon d = q.start("outputs")) {
      d.awaitHeartbeat();
      q.submit(TestQueue.manifest("big-vm", "job-big", boot, data), "big-vm.json");

      // Poll the output dir as fast as we can while the job runs: the primary disk is published last, and
      // every final name holds a complete file from the moment it appears.
      List<String> problems = new ArrayList<>();
      int before = 0;
      int after = 0;
      long deadline = System.nanoTime() + QueueDaemon.TIMEOUT.toNanos();
      while (!q.record("job-big").map(r -> r.state() == JobState.COMPLETED).orElse(false)) {
        if (System.nanoTime() > deadline || !d.isAlive()) {
          throw new AssertionError("job-big did not complete\n" + d.logSection());
        }
        for (String n : TestQueue.names(q.outputDir)) {
          if (!finalNames.contains(n)) {
            problems.add("a non-final name is visible in the output dir: " + n);
          }
        }
        Optional<Long> primarySize = sizeOf(primary);
        if (primarySize.isEmpty()) {
          before++;
          pause();
          continue;
        }
        after++;
        if (!Files.exists(out.domainXml()) || !Files.exists(extra)) {
          problems.add("big-vm.qcow2 is there before big-vm.xml or big-vm-data1.qcow2");
        }
        try {
          ConversionResult r = QueueFiles.readJson(out.resultJson(), ConversionResult.class).orElse(null);
          if (r == null) {
            problems.add("big-vm.qcow2 is there before big-vm.result.json");
          } else if (r.disks().get(0).bytes() != primarySize.get()) {
            problems.add("big-vm.qcow2 had " + primarySize.get() + " bytes, the result says "
                + r.disks().get(0).bytes());
          }
        } catch (IOException e) {
          problems.add("big-vm.result.json did not parse: " + e.getMessage());
        }
        pause();
      }
      assertThat(problems).as("what the polling saw").isEmpty();
      assertThat(before).as("polls while the job ran").isPositive();

      // The outputs.
      Tools.run(List.of("qemu-img", "check", "-f", "qcow2", primary.toString()));
      Tools.run(List.of("qemu-img", "check", "-f", "qcow2", extra.toString()));
      assertThat(Tools.sameContent(boot, primary)).as("boot disk content").isTrue();
      assertThat(Tools.sameContent(data, extra)).as("data disk content").isTrue();
      assertThat(TestQueue.read(out.domainXml())).contains("<domain").contains(primary.toString())
          .contains(extra.toString());
      assertThat(out.errorFile()).doesNotExist();

      ConversionResult result = QueueFiles.readJson(out.resultJson(), ConversionResult.class).orElseThrow();
      assertThat(result.status()).isEqualTo(ConversionResult.COMPLETED);
      assertThat(result.jobId()).isEqualTo("job-big");
      assertThat(result.vmName()).isEqualTo("big-vm");
      assertThat(result.manifest()).isEqualTo("big-vm.json");
      assertThat(result.domainXml()).isEqualTo(out.domainXml().toString());
      assertThat(result.outputs()).extracting(OutputFile::path).containsExactlyInAnyOrder(primary.toString(),
          extra.toString(), out.domainXml().toString());
      for (OutputFile f : result.outputs()) {
        Path p = Path.of(f.path());
        assertThat(f.bytes()).as("size of %s", p).isEqualTo(Files.size(p));
        assertThat(f.sha256()).as("sha256 of %s", p).isEqualTo(Sha256.ofFile(p));
      }
      assertThat(result.disks()).extracting(OutputFile::diskId).containsExactly("disk0", "data1");
      assertThat(result.timingsMs()).containsKeys("inspect", "convert", "after_convert", "total");
      assertThat(result.timingsMs().get("total")).isPositive();

      // The record, and the manifest filed as processed.
      JobRecord record = q.record("job-big").orElseThrow();
      assertThat(record.state()).isEqualTo(JobState.COMPLETED);
      assertThat(record.vmName()).isEqualTo("big-vm");
      assertThat(record.manifest()).isEqualTo("big-vm.json");
      assertThat(record.daemon()).isEqualTo(d.owner());
      assertThat(record.error()).isNull();
      assertThat(record.result()).isEqualTo(result);
      assertThat(q.processed()).containsExactly("big-vm.json");
      assertThat(q.pending()).isEmpty();
      assertThat(q.processing()).isEmpty();
      assertThat(q.staging()).isEmpty();
      assertThat(d.term()).isZero();
    }
  }

  @Test
  void aLaterJobForTheSameVmReplacesTheVmFilesAndEachJobKeepsItsRecord() throws IOException {
    Tools.require("qemu-img", "qemu-utils");
    TestQueue q = new TestQueue(tmp);
    Path boot1 = q.disk("first-boot", 8, 21);
    Path data1 = q.disk("first-data", 4, 22);
    Path boot2 = q.disk("second-boot", 6, 23);
    Path data2 = q.disk("second-data", 5, 24);
    OutputFiles out = q.outputs("same-vm");

    try (QueueDaemon d = q.start("replace")) {
      d.awaitHeartbeat();
      q.submit(TestQueue.manifest("same-vm", "job-first", boot1, data1), "same-vm.job-first.json");
      JobRecord first = q.awaitRecord("job-first", JobState.COMPLETED, d);
      assertThat(Tools.sameContent(boot1, out.primaryDisk("qcow2"))).isTrue();

      q.submit(TestQueue.manifest("same-vm", "job-second", boot2, data2), "same-vm.job-second.json");
      JobRecord second = q.awaitRecord("job-second", JobState.COMPLETED, d);

      assertThat(Tools.sameContent(boot2, out.primaryDisk("qcow2"))).as("boot disk is the second job's").isTrue();
      assertThat(Tools.sameContent(boot1, out.primaryDisk("qcow2"))).isFalse();
      assertThat(Tools.sameContent(data2, out.extraDisk("data1", "qcow2"))).as("data disk is the second job's")
          .isTrue();
      ConversionResult result = QueueFiles.readJson(out.resultJson(), ConversionResult.class).orElseThrow();
      assertThat(result.jobId()).isEqualTo("job-second");
      assertThat(result.manifest()).isEqualTo("same-vm.job-second.json");
      for (OutputFile f : result.outputs()) {
        assertThat(f.sha256()).isEqualTo(Sha256.ofFile(Path.of(f.path())));
      }
      assertThat(q.outputsStartingWith("same-vm")).containsExactlyInAnyOrder("same-vm.qcow2", "same-vm-data1.qcow2",
          "same-vm.xml", "same-vm.result.json");

      // Both records stay, each with its own job's result.
      assertThat(q.records()).extracting(JobRecord::jobId).containsExactlyInAnyOrder("job-first", "job-second");
      JobRecord firstAgain = q.record("job-first").orElseThrow();
      assertThat(firstAgain).isEqualTo(first);
      assertThat(firstAgain.state()).isEqualTo(JobState.COMPLETED);
      assertThat(firstAgain.result().jobId()).isEqualTo("job-first");
      assertThat(firstAgain.manifest()).isEqualTo("same-vm.job-first.json");
      assertThat(second.result().jobId()).isEqualTo("job-second");
      assertThat(firstAgain.result().outputs().get(0).sha256())
          .isNotEqualTo(second.result().outputs().get(0).sha256());
      assertThat(q.processed()).containsExactlyInAnyOrder("same-vm.job-first.json", "same-vm.job-second.json");
      assertThat(d.term()).isZero();
    }
  }

  /** A short pause between polls, so the poller does not take a core from the conversion it watches. */
  private static void pause() {
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static Optional<Long> sizeOf(Path p) {
    try {
      return Optional.of(Files.size(p));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
