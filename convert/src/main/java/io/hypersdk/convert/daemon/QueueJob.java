package io.hypersdk.convert.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.convert.ConversionEvents;
import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionRequest;
import io.hypersdk.convert.ConversionRunner;
import io.hypersdk.io.AtomicFiles;
import io.hypersdk.io.Sha256;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.InvalidManifestException;
import io.hypersdk.manifest.ManifestException;
import io.hypersdk.manifest.ManifestIO;
import io.hypersdk.manifest.ManifestValidator.FileChecks;
import io.hypersdk.manifest.ManifestValidator;
import io.hypersdk.manifest.Violation;
import io.hypersdk.queue.ConversionResult;
import io.hypersdk.queue.DaemonConfig;
import io.hypersdk.queue.JobRecord;
import io.hypersdk.queue.JobState;
import io.hypersdk.queue.OutputNames;
import io.hypersdk.queue.QueueFiles;
import io.hypersdk.queue.QueueLayout;
import io.hypersdk.queue.StageReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One claimed manifest, from its processing folder to processed or failed, with its record and outputs. */
final class QueueJob {
  private static final Logger LOG = LoggerFactory.getLogger(QueueJob.class);
  /** How long a manifest that does not parse may still be being written by a client that does not rename. */
  private static final Duration SETTLE = Duration.ofSeconds(2);

  private final DaemonConfig config;
  private final DaemonIdentity identity;
  private final ConversionRunner runner;
  private final ConcurrentHashMap<String, ReentrantLock> vmLocks;
  private final Path claimed;
  private final boolean recovered;

  QueueJob(DaemonConfig config, DaemonIdentity identity, ConversionRunner runner,
      ConcurrentHashMap<String, ReentrantLock> vmLocks, Path claimed, boolean recovered) {
    this.config = config;
    this.identity = identity;
    this.runner = runner;
    this.vmLocks = vmLocks;
    this.claimed = claimed;
    this.recovered = recovered;
  }

  String manifestName() {
    return claimed.getFileName().toString();
  }

  /** What the failure path needs to know about a manifest, even one that does not parse. */
  private record Identity(String jobId, String vmName, String stem) {}

  /**
   * Runs the job. Interruption (shutdown past its time limit) puts the manifest back in the queue for any
   * daemon to take, after the runner has removed partial outputs.
   */
  void run() throws InterruptedException {
    QueueLayout layout = config.layout();
    Identity id = identify();
    long start = System.nanoTime();
    try {
      ArtifactManifest manifest = parseSettled();
      String jobId = jobIdOf(manifest);
      String stem = OutputNames.vmStem(manifest.vmName());
      id = new Identity(jobId, manifest.vmName(), stem);
      if (recovered && finishRecovered(id)) {
        return;
      }
      Optional<String> owner = otherOwner(id);
      if (owner.isPresent()) {
        requeueIfInterrupted(id);
        fail(id, "job id " + jobId + " is already used by " + owner.get() + "; give each manifest its own "
            + "metadata.job_id", List.of());
        return;
      }
      writeRecord(id, JobState.RUNNING, null, null);
      LOG.info("job {}: converting {} ({} disk(s)) from {}", jobId, manifest.vmName(), manifest.disks() == null ? 0
          : manifest.disks().size(), manifestName());
      ManifestValidator.requireValid(manifest, manifestName(), FileChecks.PRESENCE);
      ReentrantLock lock = vmLocks.computeIfAbsent(stem, k -> new ReentrantLock());
      lock.lockInterruptibly();
      ConversionResult result;
      try {
        result = runner.run(request(manifest, id));
      } finally {
        lock.unlock();
      }
      // The outputs are published: record the job even if a stop interrupts now, or it would be converted again.
      boolean interrupted = Thread.interrupted();
      try {
        writeRecord(id, JobState.COMPLETED, result, null);
        AtomicFiles.syncDirectory(layout.jobRecordsDir());
        move(layout.processedDir());
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      LOG.info("job {}: completed in {} ms: {}", jobId, (System.nanoTime() - start) / 1_000_000,
          result.disks().isEmpty() ? "no disks converted" : result.disks().get(0).path());
    } catch (InterruptedException e) {
      requeue(id);
      throw e;
    } catch (InvalidManifestException e) {
      requeueIfInterrupted(id);
      fail(id, e.getMessage(), e.violations().stream().map(Violation::toString).toList());
    } catch (io.hypersdk.convert.bootcheck.BootCheckFailedException e) {
      requeueIfInterrupted(id);
      // The serial console says why the guest did not boot: the error file keeps its last lines.
      List<String> details = new ArrayList<>(List.of("serial console, last lines:"));
      e.report().serialTail().forEach(l -> details.add("  " + l));
      fail(id, e.getMessage(), details);
    } catch (ManifestException | ConversionException | IllegalArgumentException e) {
      requeueIfInterrupted(id);
      fail(id, e.getMessage(), List.of());
    } catch (IOException | RuntimeException e) {
      requeueIfInterrupted(id);
      fail(id, "internal error while converting " + manifestName() + ": " + e, List.of());
    }
  }

  /**
   * A stop past its time limit interrupts this thread, and a file channel in use then fails with
   * ClosedByInterruptException (flushing or writing an output, a record) instead of InterruptedException.
   * That is the stop, not a failure of the job: it goes back to the queue like any interrupted job. (Failing
   * it would not even work: with the interrupt still pending, the error file and record cannot be written,
   * and the manifest would stay claimed with a "running" record.)
   */
  private void requeueIfInterrupted(Identity id) throws InterruptedException {
    if (Thread.interrupted()) {
      requeue(id);
      throw new InterruptedException("stopped while converting " + manifestName());
    }
  }

  private ConversionRequest request(ArtifactManifest m, Identity id) {
    String format = m.output() != null && m.output().format() != null ? m.output().format() : config.outFormat();
    Boolean compress = m.pipeline() != null && m.pipeline().convert() != null ? m.pipeline().convert().compress()
        : null;
    return ConversionRequest.builder(m, id.jobId(), id.stem(), config.outputDir())
        .manifestName(manifestName())
        .stagingDir(config.workdir().resolve(id.jobId()))
        .outFormat(format)
        .compress(compress != null ? compress : config.compress())
        .nativeConverter(io.hypersdk.queue.OutputFile.CONVERTER_NATIVE.equals(config.converter()))
        .bootCheckDefaults(new io.hypersdk.manifest.Pipeline.BootCheck(config.bootCheck(), config.bootCheckTimeout()))
        .events(new ConversionEvents() {
          @Override
          public void stage(StageReport r) {
            LOG.info("job {}: {} {}: {}", id.jobId(), r.stage(), r.status(), r.message());
          }
        })
        .build();
  }

  /**
   * A manifest found in processing at start-up: its job may have finished, or stopped mid-commit. Finish
   * what is recorded instead of converting again; returns false when the job must run from the start.
   */
  private boolean finishRecovered(Identity id) throws IOException {
    Optional<JobRecord> record = readRecord(id.jobId());
    if (record.isPresent() && record.get().state().isFinal() && manifestName().equals(record.get().manifest())) {
      LOG.info("job {}: already {} before the restart; filing the manifest", id.jobId(), record.get().state().value());
      move(record.get().state() == JobState.COMPLETED ? config.layout().processedDir() : config.layout().failedDir());
      return true;
    }
    Optional<ConversionResult> committed = ConversionRunner.resumeOrReset(config.workdir().resolve(id.jobId()));
    if (committed.isPresent()) {
      LOG.info("job {}: finished the publication interrupted by the restart", id.jobId());
      writeRecord(id, JobState.COMPLETED, committed.get(), null);
      move(config.layout().processedDir());
      return true;
    }
    LOG.info("job {}: restarting the conversion interrupted by the restart", id.jobId());
    return false;
  }

  private ArtifactManifest parseSettled() throws ManifestException, IOException, InterruptedException {
    while (true) {
      try {
        return ManifestIO.read(claimed, manifestName());
      } catch (InvalidManifestException e) {
        throw e;
      } catch (ManifestException e) {
        Instant modified = Files.getLastModifiedTime(claimed).toInstant();
        if (Duration.between(modified, Instant.now()).compareTo(SETTLE) > 0) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  /** The manifest's job id, or one derived from its name and content, which stays the same after a restart. */
  private String jobIdOf(ArtifactManifest m) throws IOException {
    if (m.jobId() != null) {
      return OutputNames.requireJobId(m.jobId());
    }
    String digest = Sha256.ofFile(claimed).substring(Sha256.PREFIX.length(), Sha256.PREFIX.length() + 12);
    return OutputNames.manifestStem(manifestName()) + "-" + digest;
  }

  /** Best-effort identity from a lenient read, used when the manifest cannot be parsed as a whole. */
  private Identity identify() {
    JsonNode tree = ManifestIO.readLenient(claimed);
    String vmName = tree.path("source").path("vm_name").asText(null);
    String jobId = tree.path("metadata").path("job_id").asText(null);
    String stem;
    try {
      stem = OutputNames.vmStem(vmName);
    } catch (IllegalArgumentException e) {
      stem = OutputNames.manifestStem(manifestName());
    }
    return new Identity(OutputNames.isValidJobId(jobId) ? jobId : null, vmName, stem);
  }

  private void fail(Identity id, String reason, List<String> details) {
    String oneLine = reason.replace('\n', ' ');
    LOG.error("job {}: failed: {}", id.jobId() == null ? manifestName() : id.jobId(), oneLine);
    StringBuilder text = new StringBuilder(oneLine).append('\n');
    for (String d : details) {
      text.append("  ").append(d).append('\n');
    }
    text.append("job_id: ").append(id.jobId() == null ? "(none)" : id.jobId()).append('\n');
    text.append("manifest: ").append(manifestName()).append('\n');
    text.append("daemon: ").append(identity.owner()).append('\n');
    text.append("time: ").append(Instant.now()).append('\n');
    try {
      AtomicFiles.write(config.layout().outputsFor(id.stem()).errorFile(), text.toString().getBytes(StandardCharsets.UTF_8));
      if (id.jobId() != null && otherOwner(id).isEmpty()) {
        writeRecord(id, JobState.FAILED, null, oneLine);
      }
      move(config.layout().failedDir());
    } catch (IOException e) {
      LOG.error("job {}: cannot record the failure: {}", id.jobId(), e.getMessage());
    }
  }

  private void requeue(Identity id) {
    try {
      AtomicFiles.moveWithoutReplacing(claimed, config.watchDir().resolve(manifestName()));
      if (id.jobId() != null && readRecord(id.jobId()).filter(r -> manifestName().equals(r.manifest())).isPresent()) {
        Files.deleteIfExists(config.layout().jobRecord(id.jobId()));
      }
      LOG.warn("job {}: stopped before it finished; {} is back in the queue", id.jobId(), manifestName());
    } catch (IOException e) {
      LOG.error("job {}: cannot put {} back in the queue: {}", id.jobId(), manifestName(), e.getMessage());
    }
  }

  private void move(Path folder) throws IOException {
    AtomicFiles.moveWithoutReplacing(claimed, folder.resolve(manifestName()));
  }

  private Optional<JobRecord> readRecord(String jobId) {
    try {
      return QueueFiles.readRecord(config.layout(), jobId);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The manifest whose record already has this job id, if it is another one: two manifests with one job id
   * must not overwrite each other's record, so the first keeps it and the second fails. When there is no
   * record yet this manifest's is created, as running, only if still none exists (daemons share the folder).
   * The same manifest queued again keeps its id.
   */
  private Optional<String> otherOwner(Identity id) throws IOException {
    for (int attempt = 0; attempt < 3; attempt++) {
      if (QueueFiles.createJson(config.layout().jobRecord(id.jobId()), record(id, JobState.RUNNING, null, null))) {
        return Optional.empty();
      }
      Optional<JobRecord> existing = readRecord(id.jobId());
      if (existing.isPresent()) {
        String owner = existing.get().manifest();
        return manifestName().equals(owner) ? Optional.empty() : Optional.of(owner == null ? "another manifest"
            : owner);
      }
      // Removed between the two looks (a job put back in the queue); try again.
    }
    return Optional.of("another manifest (its record " + config.layout().jobRecord(id.jobId()) + " is unreadable)");
  }

  private JobRecord record(Identity id, JobState state, ConversionResult result, String error) {
    return new JobRecord(id.jobId(), state, id.vmName(), manifestName(), identity.owner(), Instant.now().toString(),
        result, error);
  }

  private void writeRecord(Identity id, JobState state, ConversionResult result, String error) throws IOException {
    QueueFiles.writeJson(config.layout().jobRecord(id.jobId()), record(id, state, result, error));
  }
}
