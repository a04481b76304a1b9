package io.hypersdk.pipeline.steps;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.manifest.Disk;
import io.hypersdk.pipeline.JobOutcome;
import io.hypersdk.pipeline.PipelineEvents;
import io.hypersdk.pipeline.steps.SubmitManifestStep.Submission;
import io.hypersdk.queue.QueueLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Decides a job's outcome with a hyper2kvm daemon that keeps no job records and may write its qcow2 in
 * place, even after publishing it. A new {@code VM.error} is a failure. A {@code VM.qcow2} is the result
 * only when it is not the file seen at submission, no process on this host writes it (open file
 * descriptors, qemu's image lock), {@code qemu-img check} finds no errors, its virtual size covers the
 * source disk, and all of that still holds, unchanged, one poll interval later. Until then it tells the
 * caller which condition it waits on, once per change.
 */
final class ForeignCompletion {
  private final Submission s;
  private final Path qcow2;
  private final Path error;
  private final QemuImg qemuImg;
  private final OpenWriters writers;
  private final Duration stableFor;
  private final PipelineEvents events;
  private long sourceCapacity = -1;
  private FileSnapshot lastSeen;
  private Instant verifiedAt;
  private Instant lastLook;
  private String lastReported;

  ForeignCompletion(Submission s, QueueLayout layout, QemuImg qemuImg, OpenWriters writers, Duration stableFor,
      PipelineEvents events) throws InterruptedException {
    this.s = s;
    this.qcow2 = layout.outputsFor(s.vmStem()).primaryDisk("qcow2");
    this.error = layout.outputsFor(s.vmStem()).errorFile();
    this.qemuImg = qemuImg;
    this.writers = writers;
    this.stableFor = stableFor;
    this.events = events;
    measureSource(s.bootDisk());
  }

  /** The outcome once decided; empty while waiting. */
  Optional<ConversionOutcome> check() throws InterruptedException {
    if (FileSnapshot.of(error).differsFrom(s.errorBefore())) {
      return Optional.of(ConversionOutcome.failed("the daemon failed job " + s.jobId() + ": " + firstLine(error),
          JobOutcome.FAILED));
    }
    FileSnapshot now = FileSnapshot.of(qcow2);
    if (!now.differsFrom(s.qcow2Before())) {
      return waiting("the daemon has not published a new " + qcow2.getFileName() + " yet");
    }
    if (!now.equals(lastSeen)) {
      lastSeen = now;
      return waiting("the qcow2 is still changing");
    }
    if (lastLook != null && Duration.between(lastLook, Instant.now()).compareTo(stableFor) < 0) {
      // Woken early, by another file's event in the output dir: qemu-img runs at most once per poll interval.
      return Optional.empty();
    }
    lastLook = Instant.now();
    Optional<String> unfinished = unfinished();
    if (unfinished.isPresent()) {
      return waiting(unfinished.get());
    }
    if (!FileSnapshot.of(qcow2).equals(now)) {
      return waiting("the qcow2 is still changing");
    }
    if (verifiedAt == null) {
      verifiedAt = Instant.now();
    }
    if (Duration.between(verifiedAt, Instant.now()).compareTo(stableFor) < 0) {
      return report("the qcow2 looks complete; confirming that it stays so for one poll interval");
    }
    return Optional.of(new ConversionOutcome(true, List.of(qcow2.toString()), null, null, JobOutcome.COMPLETED, null));
  }

  /** What still makes the file unfinished; qemu's lock first, as qemu tools are the usual writers. */
  private Optional<String> unfinished() throws InterruptedException {
    try {
      if (qemuImg.lockedByWriter(qcow2)) {
        return Optional.of("the qcow2 is still locked by a writer");
      }
      Optional<String> writer = writers.find(qcow2);
      if (writer.isPresent()) {
        return Optional.of("the qcow2 is open for writing by " + writer.get());
      }
      Optional<String> problem = qemuImg.checkShared(qcow2, "qcow2");
      if (problem.isPresent()) {
        return Optional.of("qemu-img check finds errors in the qcow2 (" + problem.get() + ")");
      }
      long virtual = qemuImg.infoShared(qcow2).virtualSize();
      if (virtual < sourceCapacity) {
        return Optional.of("the qcow2's virtual size (" + virtual + " bytes) is smaller than the source disk's "
            + sourceCapacity + " bytes");
      }
    } catch (ConversionException e) {
      return Optional.of("cannot check the qcow2: " + e.getMessage());
    }
    return Optional.empty();
  }

  /**
   * The source disk's capacity: what qemu-img reads from the exported file, or for raw disks the manifest's
   * size. Other formats' byte counts are file sizes, not capacities (sparse, compressed, with footers).
   */
  private void measureSource(Disk disk) throws InterruptedException {
    if (disk == null) {
      return;
    }
    Path source = disk.localPath() == null ? null : Path.of(disk.localPath());
    if (source != null && Files.isReadable(source)) {
      try {
        sourceCapacity = qemuImg.infoShared(source).virtualSize();
        return;
      } catch (ConversionException unreadable) {
        // Fall back to the manifest below.
      }
    }
    if ("raw".equals(disk.sourceFormat()) && disk.bytes() != null) {
      sourceCapacity = disk.bytes();
      return;
    }
    events.info("the source disk's capacity is unknown (" + disk.localPath() + " is not readable here); "
        + "the qcow2's virtual size is not compared with it");
  }

  /** A condition that restarts the one poll interval of stability. */
  private Optional<ConversionOutcome> waiting(String condition) {
    verifiedAt = null;
    return report(condition);
  }

  /** Tells the caller the condition when it differs from the last one told. */
  private Optional<ConversionOutcome> report(String condition) {
    if (!condition.equals(lastReported)) {
      lastReported = condition;
      events.info("waiting: " + condition);
    }
    return Optional.empty();
  }

  private static String firstLine(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      return text.lines().findFirst().orElse("no reason given");
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }
}
