package io.hypersdk.providers;

import java.util.function.BooleanSupplier;

/**
 * Removes what an export created on the platform (snapshots, grants) when closed, and from a shutdown hook if the
 * JVM ends first (Ctrl-C). Closing sets a pending interrupt aside while it runs, so Ctrl-C cannot stop the cleanup
 * itself; a cleanup that could not remove everything may run again on the next close.
 */
public final class ExitCleanup implements AutoCloseable {
  private final BooleanSupplier removeAll;
  private final Thread hook;
  private boolean done;

  private ExitCleanup(String name, BooleanSupplier removeAll) {
    this.removeAll = removeAll;
    this.hook = new Thread(removeAll::getAsBoolean, name);
  }

  /**
   * Registers {@code removeAll} (true when nothing is left) to run on close or at JVM exit, whichever is first; it
   * must be safe to run twice.
   */
  public static ExitCleanup register(String name, BooleanSupplier removeAll) {
    ExitCleanup c = new ExitCleanup(name, removeAll);
    Runtime.getRuntime().addShutdownHook(c.hook);
    return c;
  }

  @Override
  public synchronized void close() {
    if (done) {
      return;
    }
    boolean interrupted = Thread.interrupted();
    try {
      done = removeAll.getAsBoolean();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running or will run: it finds nothing left to remove.
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
