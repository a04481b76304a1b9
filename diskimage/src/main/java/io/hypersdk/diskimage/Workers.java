package io.hypersdk.diskimage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** Runs one batch of independent jobs (inflate a grain, compress a cluster) on the pool, results in order. */
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
    private final List<Future<T>> futures;

    private Pending(List<Future<T>> futures) {
      this.futures = futures;
    }

    List<T> await() throws IOException, InterruptedException {
      List<T> results = new ArrayList<>(futures.size());
      try {
        for (Future<T> f : futures) {
          results.add(get(f));
        }
      } finally {
        futures.forEach(f -> f.cancel(true));
      }
      return results;
    }
  }

  /** Starts the jobs without waiting for them. */
  <T> Pending<T> submit(List<Job<T>> jobs) {
    List<Future<T>> futures = new ArrayList<>(jobs.size());
    for (Job<T> j : jobs) {
      futures.add(pool.submit(j::run));
    }
    return new Pending<>(futures);
  }

  private static <T> T get(Future<T> f) throws IOException, InterruptedException {
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

  <T> List<T> map(List<Job<T>> jobs) throws IOException, InterruptedException {
    if (jobs.size() == 1) {
      return java.util.Collections.singletonList(jobs.get(0).run()); // null-tolerant, unlike List.of
    }
    List<Callable<T>> calls = new ArrayList<>(jobs.size());
    for (Job<T> j : jobs) {
      calls.add(j::run);
    }
    List<T> results = new ArrayList<>(jobs.size());
    for (Future<T> f : pool.invokeAll(calls)) {
      results.add(get(f));
    }
    return results;
  }
}
