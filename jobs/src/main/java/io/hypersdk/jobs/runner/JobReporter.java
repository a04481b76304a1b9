package io.hypersdk.jobs.runner;

import io.hypersdk.jobs.events.JobEventBus;
import io.hypersdk.jobs.model.JobEvent;
import io.hypersdk.jobs.model.JobProgress;
import io.hypersdk.jobs.model.LogLine;
import io.hypersdk.jobs.store.JobStore;
import io.hypersdk.migration.MigrationEvents;
import io.hypersdk.providers.ExportProgress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one running job reports: log lines and progress go to the store and to the live event streams.
 * Export progress is written at most a few times a second, since providers report every chunk copied.
 */
final class JobReporter implements MigrationEvents {
  private static final long PROGRESS_EVERY_NANOS = 500_000_000L;

  private final String jobId;
  private final JobStore store;
  private final JobEventBus bus;
  private final boolean pipeline;
  private volatile JobProgress progress = JobProgress.phase("starting", 0);

  JobReporter(String jobId, JobStore store, JobEventBus bus, boolean pipeline) {
    this.jobId = jobId;
    this.store = store;
    this.bus = bus;
    this.pipeline = pipeline;
  }

  JobProgress progress() {
    return progress;
  }

  void phase(String phase, double percent) {
    setProgress(new JobProgress(phase, percent, progress.bytesTransferred(), progress.totalBytes(), null));
  }

  void log(String level, String message) {
    LogLine line = store.appendLog(jobId, level, message);
    bus.publish(new JobEvent(JobEvent.Type.LOG, jobId, line.at(), line));
  }

  void status(String status) {
    bus.publish(new JobEvent(JobEvent.Type.STATUS, jobId, JobStore.now(), status));
  }

  @Override
  public void info(String message) {
    log("INFO", message);
    // The pipeline reports its steps in words; the few that start a new phase are recognised here.
    if (message.startsWith("wrote ")) {
      phase("manifest", exportShare());
    } else if (message.startsWith("direct mode")) {
      phase("converting", exportShare());
    } else if (message.startsWith("submitted ")) {
      phase("submitted to daemon", exportShare());
    } else if (message.startsWith("waiting for job")) {
      phase("waiting for daemon", exportShare());
    } else if (message.startsWith("defined libvirt domain")) {
      phase("libvirt", 99);
    }
  }

  @Override
  public void warning(String message) {
    log("WARN", message);
  }

  @Override
  public void converterOutput(String line) {
    log("OUTPUT", line);
  }

  @Override
  public ExportProgress exportProgress() {
    return new ExportProgress() {
      private final AtomicLong done = new AtomicLong();
      private volatile long total;
      private volatile long started;
      private final AtomicLong lastWrite = new AtomicLong();

      @Override
      public void start(long totalBytes) {
        total = totalBytes;
        started = System.nanoTime();
        setProgress(new JobProgress("export", 0, 0, totalBytes, null));
      }

      @Override
      public void advance(long bytes) {
        long d = done.addAndGet(bytes);
        long now = System.nanoTime();
        long last = lastWrite.get();
        if (now - last < PROGRESS_EVERY_NANOS || !lastWrite.compareAndSet(last, now)) {
          return;
        }
        double fraction = total > 0 ? Math.min(1.0, (double) d / total) : 0;
        Long eta = null;
        double elapsed = (now - started) / 1e9;
        if (fraction > 0 && elapsed > 0) {
          eta = Math.round(elapsed / fraction - elapsed);
        }
        setProgress(new JobProgress("export", Math.round(fraction * exportShare() * 10) / 10.0, d, total, eta));
      }

      @Override
      public void finish() {
        setProgress(new JobProgress("export", exportShare(), done.get(), Math.max(total, done.get()), 0L));
      }
    };
  }

  /** With a pipeline to run, the export is the first half of the job; without, all of it. */
  private double exportShare() {
    return pipeline ? 50 : 100;
  }

  private void setProgress(JobProgress p) {
    progress = p;
    store.progress(jobId, p);
    bus.publish(new JobEvent(JobEvent.Type.PROGRESS, jobId, JobStore.now(), p));
  }
}
