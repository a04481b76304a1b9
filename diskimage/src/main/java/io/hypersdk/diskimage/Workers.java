package io.hypersdk.diskimage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;

/**
 * Runs one batch of independent jobs (inflate a grain, compress a cluster) on the pool, results in order. The
 * thread that waits for a batch runs the jobs no worker has started yet itself: on a loaded host a woken worker
 * can wait milliseconds for a core, and a conversion that hands every batch over and then sleeps pays that
 * wait a thousand times per GiB, where one that keeps working only loses the cores it does not get.
 */
final class Workers {
  private final ExecutorService pool;

  Workers(ExecutorService pool) {
    this.pool = pool;
  }

  /** A job whose failure is an {@link IOException} (a malformed grain, typically). */
  interface Job<T> {
    T run() throws IOException;
  }

  /** Jobs submitted to the pool; {@link #await} gives their results in order. */
  static final class Pending<T> {
    private final List<FutureTask<T>> tasks;

    private Pending(List<FutureTask<T>> tasks) {
      this.tasks = tasks;
    }

    List<T> await() throws IOException, InterruptedException {
      List<T> results = new ArrayList<>(tasks.size());
      try {
        for (FutureTask<T> f : tasks) {
          // A no-op when a worker has started the job (or finished it): run() only claims a job still queued.
          f.run();
          results.add(get(f));
        }
      } finally {
        tasks.forEach(f -> f.cancel(true));
      }
      return results;
    }
  }

  /** Starts the jobs without waiting for them. */
  <T> Pending<T> submit(List<Job<T>> jobs) {
    List<FutureTask<T>> tasks = new ArrayList<>(jobs.size());
    for (Job<T> j : jobs) {
      FutureTask<T> task = new FutureTask<>(j::run);
      tasks.add(task);
      pool.execute(task);
    }
    return new Pending<>(tasks);
  }

  private static <T> T get(FutureTask<T> f) throws IOException, InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(c);
    }
  }

  /** Runs the jobs and waits for them. */
  <T> List<T> map(List<Job<T>> jobs) throws IOException, InterruptedException {
    if (jobs.size() == 1) {
      return Collections.singletonList(jobs.get(0).run()); // null-tolerant, unlike List.of
    }
    return submit(jobs).await();
  }
}
