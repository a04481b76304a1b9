package io.hypersdk.cli;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/** What SIGTERM (systemd's stop) and SIGINT (Ctrl-C) do in the tools: end a daemon's wait, or interrupt a run. */
public final class StopSignals {
  private StopSignals() {}

  /**
   * Blocks until SIGTERM or SIGINT. Handling the signals ourselves, instead of in a shutdown hook, lets the
   * caller finish its work and then exit 0, which systemd records as a clean stop rather than a failure.
   */
  public static void await() {
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * From now on SIGTERM and SIGINT interrupt {@code thread} instead of ending the process, so the run can
   * clean up (withdraw a queued manifest, stop its converter) and exit with its own code.
   */
  public static void interrupt(Thread thread) {
    Signal.handle(new Signal("TERM"), s -> thread.interrupt());
    Signal.handle(new Signal("INT"), s -> thread.interrupt());
  }
}
