package io.hypersdk.convert.daemon;

import io.hypersdk.convert.ConversionRunner;
import io.hypersdk.queue.DaemonConfig;
import io.hypersdk.queue.Heartbeat;
import io.hypersdk.queue.QueueLayout;
import io.hypersdk.queue.QueueListing;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hyper2kvm queue daemon: takes manifests from the watch dir, claims each by an atomic rename into its
 * own processing folder, and converts up to {@code max_concurrent} at a time. It only claims what it can
 * start at once, so daemons sharing a queue split the work instead of hoarding it.
 */
public final class QueueDaemon {
  private static final Logger LOG = LoggerFactory.getLogger(QueueDaemon.class);

  private final DaemonConfig config;
  private final DaemonIdentity identity;
  private final ConversionRunner runner;
  private final QueueLayout layout;
  private final Path processingDir;
  private final Semaphore slots;
  private final ExecutorService workers;
  private final ScheduledExecutorService heartbeats;
  private final LinkedBlockingQueue<Boolean> wakeups = new LinkedBlockingQueue<>();
  private final ConcurrentHashMap<String, ReentrantLock> vmLocks = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Boolean> running = new ConcurrentHashMap<>();
  private final HeartbeatWriter heartbeat;
  private volatile boolean stopping;
  private OwnerLock ownerLock;
  private WatchService watchService;
  private Thread scanner;
  private Thread watcher;

  public QueueDaemon(DaemonConfig config, DaemonIdentity identity, ConversionRunner runner) {
    this.config = config;
    this.identity = identity;
    this.runner = runner;
    this.layout = config.layout();
    this.processingDir = layout.processingDir(identity.owner());
    this.slots = new Semaphore(config.maxConcurrent());
    this.workers = Executors.newFixedThreadPool(config.maxConcurrent(), daemonThreads("convert"));
    this.heartbeats = Executors.newSingleThreadScheduledExecutor(daemonThreads("heartbeat"));
    this.heartbeat = new HeartbeatWriter(config, identity, () -> List.copyOf(running.keySet()));
  }

  /** Creates the folders, takes back this daemon's interrupted work, and starts serving the queue. */
  public void start() throws IOException {
    for (Path dir : List.of(config.watchDir(), config.outputDir(), config.workdir(), layout.processedDir(),
        layout.failedDir(), layout.heartbeatDir(), layout.jobRecordsDir())) {
      Files.createDirectories(dir);
    }
    ownerLock = OwnerLock.acquire(processingDir, identity.owner());
    heartbeat.write(Heartbeat.RUNNING);
    heartbeats.scheduleAtFixedRate(() -> heartbeat.write(stopping ? Heartbeat.STOPPING : Heartbeat.RUNNING),
        config.heartbeatSeconds(), config.heartbeatSeconds(), TimeUnit.SECONDS);
    List<Path> interrupted = QueueListing.manifests(processingDir);
    if (!interrupted.isEmpty()) {
      LOG.info("taking back {} manifest(s) interrupted by the last stop", interrupted.size());
    }
    for (Path p : interrupted) {
      slots.acquireUninterruptibly();
      submit(p, true);
    }
    watchService = FileSystems.getDefault().newWatchService();
    config.watchDir().register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_MODIFY);
    watcher = new Thread(this::watchLoop, "queue-watch");
    watcher.setDaemon(true);
    watcher.start();
    scanner = new Thread(this::scanLoop, "queue-scan");
    scanner.start();
    LOG.info("serving {} -> {} as {} (max_concurrent={}, out_format={}, pid {})", config.watchDir(),
        config.outputDir(), identity.owner(), config.maxConcurrent(), config.outFormat(), identity.pid());
  }

  /**
   * Stops taking manifests, waits up to {@code stop_timeout_seconds} for running conversions, then stops the
   * rest, whose partial outputs are removed and whose manifests go back to the queue.
   */
  public void stop() {
    if (stopping) {
      return;
    }
    stopping = true;
    LOG.info("stopping: no new manifests; waiting up to {} s for {} running conversion(s)",
        config.stopTimeoutSeconds(), running.size());
    heartbeat.write(Heartbeat.STOPPING);
    wakeups.offer(Boolean.TRUE);
    try {
      if (scanner != null) {
        scanner.join();
      }
      workers.shutdown();
      if (!workers.awaitTermination(config.stopTimeoutSeconds(), TimeUnit.SECONDS)) {
        LOG.warn("conversions still running after {} s; stopping them", config.stopTimeoutSeconds());
        workers.shutdownNow();
        workers.awaitTermination(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
    heartbeats.shutdownNow();
    heartbeat.write(Heartbeat.STOPPED);
    try {
      if (watchService != null) {
        watchService.close();
      }
      if (ownerLock != null) {
        ownerLock.close();
      }
    } catch (IOException e) {
      LOG.warn("while stopping: {}", e.getMessage());
    }
    LOG.info("stopped");
  }

  private void watchLoop() {
    try {
      while (!stopping) {
        var key = watchService.take();
        key.pollEvents();
        key.reset();
        wakeups.offer(Boolean.TRUE);
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // Stopping.
    }
  }

  /** Claims pending manifests while slots are free; rescans on events and every rescan interval (NFS). */
  private void scanLoop() {
    while (!stopping) {
      try {
        if (slots.availablePermits() > 0) {
          for (Path candidate : QueueListing.pending(layout)) {
            if (stopping || !slots.tryAcquire()) {
              break;
            }
            Path claimed = claim(candidate);
            if (claimed == null) {
              slots.release();
            } else {
              submit(claimed, false);
            }
          }
        }
        wakeups.poll(config.rescanSeconds(), TimeUnit.SECONDS);
        wakeups.clear();
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        LOG.error("cannot scan {}: {}", config.watchDir(), e.getMessage());
        try {
          Thread.sleep(1000L * config.rescanSeconds());
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  /** The rename is the claim: of several daemons renaming one file, exactly one succeeds. */
  private Path claim(Path manifest) throws IOException {
    Path target = processingDir.resolve(manifest.getFileName());
    try {
      if (Files.exists(target)) {
        LOG.warn("{} is already being processed; leaving the new copy in the queue", manifest.getFileName());
        return null;
      }
      Files.move(manifest, target, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (NoSuchFileException lostRace) {
      return null;
    }
  }

  private void submit(Path claimed, boolean recovered) {
    QueueJob job = new QueueJob(config, identity, runner, vmLocks, claimed, recovered);
    running.put(job.manifestName(), Boolean.TRUE);
    workers.execute(() -> {
      try {
        job.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.error("job from {} ended unexpectedly: {}", job.manifestName(), e.toString());
      } finally {
        running.remove(job.manifestName());
        slots.release();
        wakeups.offer(Boolean.TRUE);
      }
    });
  }

  private static ThreadFactory daemonThreads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
