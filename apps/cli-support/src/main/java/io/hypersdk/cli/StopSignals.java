package io.hypersdk.cli;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/** How the daemons wait to be stopped: until SIGTERM (systemd's stop) or SIGINT (Ctrl-C). */
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
}
