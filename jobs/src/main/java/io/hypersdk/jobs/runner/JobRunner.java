package io.hypersdk.jobs.runner;

import io.hypersdk.jobs.connections.Connections;
import io.hypersdk.jobs.events.JobEventBus;
import io.hypersdk.jobs.model.Job;
import io.hypersdk.jobs.model.JobDefinition;
import io.hypersdk.jobs.model.JobEvent;
import io.hypersdk.jobs.model.JobProgress;
import io.hypersdk.jobs.model.JobResult;
import io.hypersdk.jobs.model.JobStatus;
import io.hypersdk.jobs.store.JobStore;
import io.hypersdk.migration.MigrationRequest;
import io.hypersdk.migration.MigrationResult;
import io.hypersdk.migration.MigrationRunner;
import io.hypersdk.pipeline.PipelineResult;
import io.hypersdk.providers.ExportedDisk;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs pending jobs, at most {@code maxConcurrent} at a time, each on its own thread through
 * {@link MigrationRunner}: export with the job's provider, manifest, pipeline. Cancelling a running job
 * interrupts its thread, which stops the copy or the converter and withdraws a manifest the hyper2kvm daemon
 * has not claimed yet; the job then ends as cancelled.
 */
public final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  /** What cancelling one job did. */
  public enum CancelOutcome { CANCELLED, STOPPING, NOT_FOUND, ALREADY_FINISHED }

  private final JobStore store;
  private final JobEventBus bus;
  private final SecretVault secrets;
  private final MigrationRequests requests;
  private final Connections connections;
  private final ExecutorService pool;
  private final Object lock = new Object();
  /** Threads of running jobs, and the jobs whose cancellation was asked for; guarded by {@link #lock}. */
  private final Map<String, Thread> running = new HashMap<>();
  private final Map<String, Boolean> cancelRequested = new HashMap<>();
  private volatile boolean stopping;

  public JobRunner(JobStore store, JobEventBus bus, SecretVault secrets, MigrationRequests requests,
      Connections connections, int maxConcurrent) {
    this.store = store;
    this.bus = bus;
    this.secrets = secrets;
    this.requests = requests;
    this.connections = connections;
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(maxConcurrent, r -> {
      Thread t = new Thread(r, "job-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * At start-up: jobs cut off by the last stop or crash fail with "interrupted by daemon restart"; pending
   * ones are queued again, except those whose password was lost with the restart.
   */
  public void recover() {
    for (String id : store.failInterrupted()) {
      LOG.warn("job {}: {}", id, JobStore.INTERRUPTED);
    }
    for (String id : store.pendingIds()) {
      Job job = store.get(id).orElseThrow();
      if (job.definition().needsSecret() && !secrets.has(id)) {
        String reason = "the job's password was held in memory only and was lost when the daemon restarted; "
            + "submit the job again, or use a named connection";
        store.failPending(id, reason);
        store.appendLog(id, "ERROR", reason);
        continue;
      }
      LOG.info("job {}: queued again after the restart", id);
      enqueue(id);
    }
  }

  /** Stores the job as pending and queues it. */
  public Job submit(JobDefinition def, Map<String, String> jobSecrets) {
    if (!jobSecrets.isEmpty()) {
      secrets.put(def.id(), jobSecrets);
    }
    Job job = store.insert(def);
    store.appendLog(def.id(), "INFO", "submitted: " + def.vmPath() + " from " + def.provider()
        + (def.connection() == null ? "" : " (connection " + def.connection() + ")") + " into " + def.outputDir());
    bus.publish(new JobEvent(JobEvent.Type.STATUS, def.id(), job.createdAt(), JobStatus.PENDING.value()));
    enqueue(def.id());
    return job;
  }

  private void enqueue(String id) {
    pool.execute(() -> run(id));
  }

  /** Cancels a pending job at once, or interrupts a running one, which then ends as cancelled. */
  public CancelOutcome cancel(String id) {
    synchronized (lock) {
      Thread t = running.get(id);
      if (t != null) {
        cancelRequested.put(id, true);
        t.interrupt();
        return CancelOutcome.STOPPING;
      }
      if (store.cancelPending(id, "cancelled by request")) {
        store.appendLog(id, "INFO", "cancelled before it started");
        secrets.forget(id);
        bus.publish(new JobEvent(JobEvent.Type.STATUS, id, JobStore.now(), JobStatus.CANCELLED.value()));
        return CancelOutcome.CANCELLED;
      }
    }
    return store.get(id).isPresent() ? CancelOutcome.ALREADY_FINISHED : CancelOutcome.NOT_FOUND;
  }

  private void run(String id) {
    if (stopping) {
      return;
    }
    synchronized (lock) {
      // Claimed under the lock, so a cancel sees either a pending job or a running thread, never neither.
      if (!store.claim(id)) {
        return;
      }
      running.put(id, Thread.currentThread());
    }
    Job job = store.get(id).orElseThrow();
    JobDefinition def = job.definition();
    MigrationRequest request = requests.build(def);
    JobReporter reporter = new JobReporter(id, store, bus, request.runsPipeline());
    reporter.status(JobStatus.RUNNING.value());
    LOG.info("job {}: started ({} from {})", id, def.vmPath(), def.provider());
    long start = System.nanoTime();
    JobStatus status;
    JobResult result = null;
    String error = null;
    try (Provider provider = open(def)) {
      MigrationResult r = new MigrationRunner(provider).run(request, reporter);
      result = result(r, (System.nanoTime() - start) / 1_000_000);
      status = r.success() ? JobStatus.COMPLETED : JobStatus.FAILED;
      error = r.error();
    } catch (InterruptedException e) {
      if (!wasCancelled(id)) {
        // The daemon is stopping: the job stays running in the store and fails as interrupted at the next start.
        reporter.log("WARN", "the daemon is stopping; the job was interrupted");
        LOG.warn("job {}: interrupted by the daemon's stop", id);
        finishThread(id);
        return;
      }
      status = JobStatus.CANCELLED;
      error = "cancelled by request";
    } catch (ProviderException e) {
      status = JobStatus.FAILED;
      error = e.getMessage();
    } catch (RuntimeException e) {
      LOG.error("job {}: internal error", id, e);
      status = JobStatus.FAILED;
      error = "internal error: " + e;
    }
    if (status == JobStatus.CANCELLED) {
      reporter.log("INFO", "cancelled while running");
    } else if (error != null) {
      reporter.log("ERROR", error);
    }
    JobProgress p = reporter.progress();
    JobProgress last = new JobProgress(status.value(), status == JobStatus.COMPLETED ? 100 : p.percentComplete(),
        p.bytesTransferred(), p.totalBytes(), status == JobStatus.COMPLETED ? 0L : null);
    // Any interrupt still pending is cleared, so it cannot disturb the store's writes.
    Thread.interrupted();
    store.finish(id, status, last, result, error);
    reporter.status(status.value());
    LOG.info("job {}: {}{}", id, status.value(), error == null ? "" : " (" + error + ")");
    finishThread(id);
  }

  private void finishThread(String id) {
    synchronized (lock) {
      running.remove(id);
      cancelRequested.remove(id);
      Thread.interrupted();
    }
    secrets.forget(id);
  }

  private boolean wasCancelled(String id) {
    synchronized (lock) {
      return cancelRequested.getOrDefault(id, false);
    }
  }

  /** The job's provider, with its connection's settings, its own and its in-memory secrets. */
  private Provider open(JobDefinition def) throws ProviderException {
    Map<String, String> given = new HashMap<>(def.settings());
    given.putAll(secrets.get(def.id()));
    return connections.providers().get(def.provider()).open(connections.settings(def.provider(), def.connection(),
        given));
  }

  private static JobResult result(MigrationResult r, long ms) {
    List<String> exported = new ArrayList<>();
    long total = 0;
    if (r.export() != null) {
      for (ExportedDisk d : r.export().disks()) {
        exported.add(d.path());
        total += d.bytes();
      }
    }
    PipelineResult p = r.pipeline();
    if (p == null) {
      return new JobResult(r.success(), r.vm(), r.manifest(), exported, total, null, null, null, r.jobId(), null,
          List.of(), null, null, false, List.of(), r.failedStep(), r.error(), ms, List.of(), null);
    }
    return new JobResult(r.success(), r.vm(), r.manifest(), exported, total, p.execution().mode(),
        p.execution().reason(), p.converter(), p.jobId(), p.jobState(), p.outputs(), p.domainXml(), p.libvirtDomain(),
        p.libvirtDefined(), p.warnings(), r.failedStep(), r.error(), ms, p.changes(), p.bootCheck());
  }

  /**
   * Stops taking jobs and interrupts the running ones, so converters stop and unclaimed manifests are
   * withdrawn; waits up to {@code timeoutSeconds} for them to let go.
   */
  public void stop(long timeoutSeconds) throws InterruptedException {
    stopping = true;
    pool.shutdownNow();
    if (!pool.awaitTermination(timeoutSeconds, TimeUnit.SECONDS)) {
      LOG.warn("jobs still running after {} s: they will be marked interrupted at the next start", timeoutSeconds);
    }
  }
}
