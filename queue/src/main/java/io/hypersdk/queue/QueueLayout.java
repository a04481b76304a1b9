package io.hypersdk.queue;

import java.nio.file.Path;

/**
 * Where everything of the hyper2kvm queue contract lives. Pending manifests sit at the top level of the
 * watch dir; everything else is in hidden folders, so a watcher that only looks at visible names never
 * sees work in progress.
 *
 * <pre>
 * watch_dir/NAME.json|.yaml              pending manifests
 * watch_dir/.processing/OWNER/NAME       claimed by the daemon OWNER (host-instance)
 * watch_dir/.processing/OWNER/.lock      locked while that daemon runs
 * watch_dir/.processed/NAME              done
 * watch_dir/.failed/NAME                 failed
 * watch_dir/.heartbeat/OWNER.json        liveness of each daemon serving this queue
 * watch_dir/.withdrawn-NAME              a manifest an exporter is taking back (gone a moment later)
 * output_dir/VM.qcow2, VM-DISK.qcow2     converted disks (latest for that VM name)
 * output_dir/VM.xml, VM.result.json      libvirt domain and result (latest for that VM name)
 * output_dir/VM.error                    failure of the latest job for that VM name
 * output_dir/.jobs/JOB_ID.json           this job's record: what an exporter waits on
 * output_dir/.work/JOB_ID/               staging while a job converts (the default workdir)
 * output_dir/.work/JOB_ID/commit.json    the publication journal of that job
 * </pre>
 */
public record QueueLayout(Path watchDir, Path outputDir) {
  public static final Path DEFAULT_WATCH_DIR = Path.of("/var/lib/hyper2kvm/queue");
  public static final Path DEFAULT_OUTPUT_DIR = Path.of("/var/lib/hyper2kvm/output");
  public static final String PROCESSING = ".processing";
  public static final String PROCESSED = ".processed";
  public static final String FAILED = ".failed";
  public static final String HEARTBEAT = ".heartbeat";
  public static final String OWNER_LOCK = ".lock";
  public static final String WITHDRAWN_PREFIX = ".withdrawn-";
  public static final String JOBS = ".jobs";
  public static final String WORK = ".work";
  /** In a job's staging folder: the renames that publish its outputs, written before the first. */
  public static final String COMMIT_JOURNAL = "commit.json";

  public QueueLayout {
    watchDir = watchDir.toAbsolutePath().normalize();
    outputDir = outputDir.toAbsolutePath().normalize();
  }

  public Path processingRoot() {
    return watchDir.resolve(PROCESSING);
  }

  public Path processingDir(String owner) {
    return processingRoot().resolve(owner);
  }

  public Path processedDir() {
    return watchDir.resolve(PROCESSED);
  }

  public Path failedDir() {
    return watchDir.resolve(FAILED);
  }

  public Path heartbeatDir() {
    return heartbeatDir(watchDir);
  }

  /** The heartbeat folder of the queue in {@code watchDir}. */
  public static Path heartbeatDir(Path watchDir) {
    return watchDir.resolve(HEARTBEAT);
  }

  public Path heartbeatFile(String owner) {
    return heartbeatDir().resolve(owner + ".json");
  }

  public Path jobRecordsDir() {
    return outputDir.resolve(JOBS);
  }

  /** Where a pending manifest is moved to be withdrawn: hidden, so no daemon claims it once it is there. */
  public static Path withdrawn(Path pendingManifest) {
    return pendingManifest.resolveSibling(WITHDRAWN_PREFIX + pendingManifest.getFileName());
  }

  /** The default workdir: staging folders of running conversions, one per job. */
  public static Path workDir(Path outputDir) {
    return outputDir.resolve(WORK);
  }

  public Path jobRecord(String jobId) {
    return jobRecordsDir().resolve(OutputNames.requireJobId(jobId) + ".json");
  }

  /** The file names of one VM's outputs in the output dir. */
  public OutputFiles outputsFor(String vmStem) {
    return new OutputFiles(outputDir, vmStem);
  }
}
