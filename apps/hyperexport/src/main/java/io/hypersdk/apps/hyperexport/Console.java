package io.hypersdk.apps.hyperexport;

import io.hypersdk.migration.MigrationEvents;
import io.hypersdk.providers.ExportProgress;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * What hyperexport shows while it works, on stderr so stdout stays the result: a progress bar on a
 * terminal, plain progress lines (every 10%) otherwise, the converter's output as it comes, and warnings.
 */
final class Console implements MigrationEvents, AutoCloseable {
  private final PrintWriter err;
  private final boolean quiet;
  private final boolean verbose;
  private final boolean terminal;
  private ProgressBar bar;

  Console(PrintWriter err, boolean quiet, boolean verbose, boolean json) {
    this.err = err;
    this.quiet = quiet;
    this.verbose = verbose;
    this.terminal = System.console() != null && !json && !quiet;
  }

  @Override
  public void info(String message) {
    if (!quiet) {
      err.println(message);
      err.flush();
    }
  }

  @Override
  public void warning(String message) {
    err.println("warning: " + message);
    err.flush();
  }

  @Override
  public void converterOutput(String line) {
    if (!quiet && (verbose || !line.startsWith("Progress:"))) {
      err.println("  " + line);
      err.flush();
    }
  }

  @Override
  public ExportProgress exportProgress() {
    if (quiet) {
      return ExportProgress.NONE;
    }
    return terminal ? new BarProgress() : new LineProgress();
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  /** A progress bar, for people at a terminal. */
  private final class BarProgress implements ExportProgress {
    @Override
    public synchronized void start(long totalBytes) {
      bar = new ProgressBarBuilder().setTaskName("Export").setInitialMax(Math.max(1, totalBytes))
          .setStyle(ProgressBarStyle.ASCII).setUnit(" MiB", 1 << 20).setUpdateIntervalMillis(250).build();
    }

    @Override
    public synchronized void advance(long bytes) {
      if (bar != null) {
        bar.stepBy(bytes);
      }
    }

    @Override
    public synchronized void finish() {
      if (bar != null) {
        bar.maxHint(bar.getCurrent());
      }
      close();
    }
  }

  /** Plain lines at each 10%, for logs and pipes. */
  private final class LineProgress implements ExportProgress {
    private final AtomicLong done = new AtomicLong();
    private volatile long total;
    private long lastDecile = -1;

    @Override
    public void start(long totalBytes) {
      total = Math.max(1, totalBytes);
    }

    @Override
    public synchronized void finish() {
      // The total was an estimate (an OVA's size includes its headers): say when it is done all the same.
      if (lastDecile < 10) {
        lastDecile = 10;
        err.println("Export: 100% (" + (done.get() >> 20) + " MiB)");
        err.flush();
      }
    }

    @Override
    public synchronized void advance(long bytes) {
      long d = Math.min(10, done.addAndGet(bytes) * 10 / Math.max(1, total));
      if (d > lastDecile) {
        lastDecile = d;
        err.println("Export: " + d * 10 + "% (" + (done.get() >> 20) + " of " + (total >> 20) + " MiB)");
        err.flush();
      }
    }
  }
}
