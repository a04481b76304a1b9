package io.hypersdk.pipeline.steps;

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
 * record counts; with another hyper2kvm daemon, a {@code VM.qcow2} or {@code VM.error} that is not the one
 * seen at submission, and a qcow2 only once its size has stopped changing. On timeout or interruption the
 * manifest is taken back out of the queue if the daemon has not claimed it yet.
 */
public final class AwaitResultStep {
  /** How long a foreign daemon's qcow2 must stay unchanged before it counts as finished. */
  private static final Duration STABLE = Duration.ofSeconds(1);

  public ConversionOutcome run(Submission s, QueueLayout layout, PipelineOptions o, PipelineEvents events)
      throws InterruptedException {
    boolean projectDaemon = Files.isDirectory(layout.jobRecordsDir()) || Files.isDirectory(layout.heartbeatDir());
    Instant deadline = s.at().plus(o.daemonTimeout());
    ForeignWatch foreign = new ForeignWatch(s, layout);
    events.info("waiting for job " + s.jobId() + (projectDaemon ? " (record " + layout.jobRecord(s.jobId()) + ")"
        : " (" + layout.outputsFor(s.vmStem()).primaryDisk("qcow2") + ")"));
    WatchService watch = null;
    try {
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
        Optional<ConversionOutcome> outcome = projectDaemon ? fromRecord(layout, s.jobId()) : foreign.check();
        if (outcome.isPresent()) {
          return outcome.get();
        }
        Duration remaining = Duration.between(Instant.now(), deadline);
        if (remaining.isNegative() || remaining.isZero()) {
          return withdraw(s, "timed out after " + describe(o.daemonTimeout()) + " waiting for the daemon", layout);
        }
        Duration wait = min(o.pollInterval(), remaining);
        if (!projectDaemon && foreign.settling()) {
          wait = min(wait, STABLE);
        }
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

  private static Optional<ConversionOutcome> fromRecord(QueueLayout layout, String jobId) {
    Optional<JobRecord> record;
    try {
      record = QueueFiles.readRecord(layout, jobId);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    if (record.isEmpty() || !record.get().state().isFinal()) {
      return Optional.empty();
    }
    JobRecord r = record.get();
    if (r.state() == JobState.FAILED) {
      return Optional.of(ConversionOutcome.failed("the daemon " + r.daemon() + " failed job " + jobId + ": "
          + r.error(), JobOutcome.FAILED));
    }
    ConversionResult result = r.result();
    List<String> disks = result == null ? List.of() : result.disks().stream().map(OutputFile::path).toList();
    return Optional.of(new ConversionOutcome(true, disks, result == null ? null : result.domainXml(), null,
        JobOutcome.COMPLETED));
  }

  /**
   * Takes the manifest back if it is still at the top of the queue; a missing file means the daemon claimed
   * it, and the job may still finish.
   */
  private static ConversionOutcome withdraw(Submission s, String why, QueueLayout layout) {
    Path aside = QueueLayout.withdrawn(s.queued());
    try {
      Files.move(s.queued(), aside, StandardCopyOption.ATOMIC_MOVE);
      Files.deleteIfExists(aside);
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

  /** The rules for a daemon that keeps no per-job records. */
  private static final class ForeignWatch {
    private final Submission s;
    private final Path qcow2;
    private final Path error;
    private FileSnapshot lastSeen;
    private Instant lastChange;

    ForeignWatch(Submission s, QueueLayout layout) {
      this.s = s;
      this.qcow2 = layout.outputsFor(s.vmStem()).primaryDisk("qcow2");
      this.error = layout.outputsFor(s.vmStem()).errorFile();
    }

    boolean settling() {
      return lastSeen != null;
    }

    Optional<ConversionOutcome> check() {
      FileSnapshot err = FileSnapshot.of(error);
      if (err.differsFrom(s.errorBefore())) {
        String text;
        try {
          text = Files.readString(error, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
          text = "(unreadable: " + e.getMessage() + ")";
        }
        String first = text.lines().findFirst().orElse("no reason given");
        return Optional.of(ConversionOutcome.failed("the daemon failed job " + s.jobId() + ": " + first, JobOutcome.FAILED));
      }
      FileSnapshot now = FileSnapshot.of(qcow2);
      if (!now.differsFrom(s.qcow2Before())) {
        return Optional.empty();
      }
      if (lastSeen == null || now.differsFrom(lastSeen)) {
        lastSeen = now;
        lastChange = Instant.now();
        return Optional.empty();
      }
      if (Duration.between(lastChange, Instant.now()).compareTo(STABLE) < 0) {
        return Optional.empty();
      }
      return Optional.of(new ConversionOutcome(true, List.of(qcow2.toString()), null, null, JobOutcome.COMPLETED));
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static String describe(Duration d) {
    return d.toMinutes() >= 1 && d.toSecondsPart() == 0 ? d.toMinutes() + " min" : d.toMillis() / 1000.0 + " s";
  }
}
