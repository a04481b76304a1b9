package io.hypersdk.pipeline.steps;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.qemu.QemuImg;
import io.hypersdk.io.AtomicFiles;
import io.hypersdk.pipeline.JobOutcome;
import io.hypersdk.pipeline.PipelineEvents;
import io.hypersdk.pipeline.PipelineOptions;
import io.hypersdk.pipeline.steps.SubmitManifestStep.Submission;
import io.hypersdk.queue.ConversionResult;
import io.hypersdk.queue.JobRecord;
import io.hypersdk.queue.JobState;
import io.hypersdk.queue.OutputFile;
import io.hypersdk.queue.QueueFiles;
import io.hypersdk.queue.QueueLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Waits for this submission's outcome: file-system notifications where they work, polling every poll
 * interval in any case (network file systems send none). With this project's daemon only the job's own
 * record counts; with another hyper2kvm daemon, {@link ForeignCompletion} decides from the VM's files. On
 * timeout or interruption the manifest is taken back out of the queue if the daemon has not claimed it yet;
 * after an outcome, a submission the daemon left in the queue is taken back too.
 */
public final class AwaitResultStep {

  public ConversionOutcome run(Submission s, QueueLayout layout, PipelineOptions o, PipelineEvents events)
      throws InterruptedException {
    boolean projectDaemon = Files.isDirectory(layout.jobRecordsDir()) || Files.isDirectory(layout.heartbeatDir());
    Instant deadline = s.at().plus(o.daemonTimeout());
    events.info("waiting for job " + s.jobId() + (projectDaemon ? " (record " + layout.jobRecord(s.jobId()) + ")"
        : " (" + layout.outputsFor(s.vmStem()).primaryDisk("qcow2") + ")"));
    WatchService watch = null;
    try {
      ForeignCompletion foreign = null;
      if (!projectDaemon) {
        try {
          foreign = new ForeignCompletion(s, layout, QemuImg.locate(), OpenWriters.ofThisHost(), o.pollInterval(),
              events);
        } catch (ConversionException e) {
          return withdraw(s, e.getMessage() + "; it is needed to tell a daemon's finished qcow2 from a partial one",
              layout);
        }
      }
      boolean recordsWatched = false;
      if (o.notifications()) {
        watch = FileSystems.getDefault().newWatchService();
        register(watch, layout.outputDir());
      }
      while (true) {
        if (watch != null && !recordsWatched) {
          // The daemon may create .jobs after the wait began; its creation wakes the output dir's watch.
          recordsWatched = register(watch, layout.jobRecordsDir());
        }
        Optional<ConversionOutcome> outcome = projectDaemon ? fromRecord(layout, s) : foreign.check();
        if (outcome.isPresent()) {
          removeLeftover(s, events);
          return outcome.get();
        }
        Duration remaining = Duration.between(Instant.now(), deadline);
        if (remaining.isNegative() || remaining.isZero()) {
          return withdraw(s, "timed out after " + describe(o.daemonTimeout()) + " waiting for the daemon", layout);
        }
        Duration wait = min(o.pollInterval(), remaining);
        if (watch != null) {
          WatchKey key = watch.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
          if (key != null) {
            key.pollEvents();
            key.reset();
          }
        } else {
          Thread.sleep(wait.toMillis());
        }
      }
    } catch (InterruptedException e) {
      ConversionOutcome left = withdraw(s, "interrupted while waiting for the daemon", layout);
      events.warning(left.error());
      throw e;
    } catch (IOException | ClosedWatchServiceException e) {
      return withdraw(s, "cannot watch " + layout.outputDir() + ": " + e.getMessage(), layout);
    } finally {
      closeInBackground(watch);
    }
  }

  /**
   * Closing a WatchService waits for the kernel to tear down its inotify instance (tens of milliseconds);
   * the caller should not wait for that to learn the result.
   */
  private static void closeInBackground(WatchService watch) {
    if (watch == null) {
      return;
    }
    Thread closer = new Thread(() -> {
      try {
        watch.close();
      } catch (IOException ignored) {
        // Nothing is left to watch either way.
      }
    }, "watch-close");
    closer.setDaemon(true);
    closer.start();
  }

  /** Watches {@code dir} when it exists; says whether it does. */
  private static boolean register(WatchService watch, Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
    return true;
  }

  /**
   * The job's record decides, if it is this submission's: another manifest with the same job id may own it.
   * A manifest the daemon failed without a record of its own (a job id already in use) is found in
   * {@code .failed/}, with the reason in {@code VM.error}.
   */
  private static Optional<ConversionOutcome> fromRecord(QueueLayout layout, Submission s) {
    String name = s.queued().getFileName().toString();
    Optional<JobRecord> record;
    try {
      record = QueueFiles.readRecord(layout, s.jobId()).filter(r -> name.equals(r.manifest()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    if (record.isEmpty()) {
      return Files.exists(layout.failedDir().resolve(name)) ? Optional.of(failedWithoutRecord(layout, s))
          : Optional.empty();
    }
    if (!record.get().state().isFinal()) {
      return Optional.empty();
    }
    JobRecord r = record.get();
    if (r.state() == JobState.FAILED) {
      return Optional.of(ConversionOutcome.failed("the daemon " + r.daemon() + " failed job " + s.jobId() + ": "
          + r.error(), JobOutcome.FAILED));
    }
    ConversionResult result = r.result();
    List<String> disks = result == null ? List.of() : result.disks().stream().map(OutputFile::path).toList();
    return Optional.of(new ConversionOutcome(true, disks, result == null ? null : result.domainXml(), null,
        JobOutcome.COMPLETED, result));
  }

  private static ConversionOutcome failedWithoutRecord(QueueLayout layout, Submission s) {
    String name = s.queued().getFileName().toString();
    Path error = layout.outputsFor(s.vmStem()).errorFile();
    try {
      List<String> lines = Files.readAllLines(error, StandardCharsets.UTF_8);
      if (!lines.isEmpty() && lines.contains("manifest: " + name)) {
        return ConversionOutcome.failed("the daemon failed job " + s.jobId() + ": " + lines.get(0),
            JobOutcome.FAILED);
      }
    } catch (IOException | RuntimeException unreadable) {
      // Reported below without the reason.
    }
    return ConversionOutcome.failed("the daemon moved " + name + " to " + layout.failedDir() + " without a record "
        + "for job " + s.jobId() + "; its log has the reason", JobOutcome.FAILED);
  }

  /**
   * A daemon that produced the result may still leave the manifest in the queue (one that does not move
   * what it reads); a later daemon would convert it again. Only the file this submission wrote is taken.
   */
  private static void removeLeftover(Submission s, PipelineEvents events) {
    if (!FileSnapshot.of(s.queued()).equals(s.written())) {
      return;
    }
    try {
      Path aside = takeBack(s);
      if (FileSnapshot.of(aside).fileKey().equals(s.written().fileKey())) {
        Files.deleteIfExists(aside);
        events.info("removed this job's manifest " + s.queued() + " from the queue: the daemon produced the "
            + "result but left the manifest unclaimed");
      } else {
        AtomicFiles.moveWithoutReplacing(aside, s.queued());
      }
    } catch (NoSuchFileException claimed) {
      // A daemon took it at this instant; it is no longer ours to remove.
    } catch (IOException e) {
      events.warning("this job's manifest " + s.queued() + " is still in the queue (" + e.getMessage()
          + "); remove it by hand, or a daemon will convert it again");
    }
  }

  /** Renames the submission aside, so no daemon can claim it halfway through its removal. */
  private static Path takeBack(Submission s) throws IOException {
    Path aside = QueueLayout.withdrawn(s.queued());
    Files.move(s.queued(), aside, StandardCopyOption.ATOMIC_MOVE);
    return aside;
  }

  /**
   * Takes the manifest back if it is still at the top of the queue; a missing file means the daemon claimed
   * it, and the job may still finish.
   */
  private static ConversionOutcome withdraw(Submission s, String why, QueueLayout layout) {
    try {
      Files.deleteIfExists(takeBack(s));
      return ConversionOutcome.failed(why + "; the manifest was withdrawn from the queue before any daemon took "
          + "it, nothing was converted", JobOutcome.WITHDRAWN);
    } catch (NoSuchFileException claimed) {
      return ConversionOutcome.failed(why + "; the daemon had already claimed the manifest, so the job may still "
          + "finish: its record will be " + layout.jobRecord(s.jobId()), JobOutcome.CLAIMED);
    } catch (IOException e) {
      return ConversionOutcome.failed(why + "; the manifest could not be withdrawn from " + s.queued() + " ("
          + e.getMessage() + "); remove it by hand if the job should not run", JobOutcome.QUEUED);
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static String describe(Duration d) {
    return d.toMinutes() >= 1 && d.toSecondsPart() == 0 ? d.toMinutes() + " min" : d.toMillis() / 1000.0 + " s";
  }
}
