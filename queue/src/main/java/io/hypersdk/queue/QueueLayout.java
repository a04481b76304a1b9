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
 * watch_dir/.processed/NAME              done
 * watch_dir/.failed/NAME                 failed
 * watch_dir/.heartbeat/OWNER.json        liveness of each daemon serving this queue
 * output_dir/VM.qcow2, VM-DISK.qcow2     converted disks (latest for that VM name)
 * output_dir/VM.xml, VM.result.json      libvirt domain and result (latest for that VM name)
 * output_dir/VM.error                    failure of the latest job for that VM name
 * output_dir/.jobs/JOB_ID.json           this job's record: what an exporter waits on
 * </pre>
 */
public record QueueLayout(Path watchDir, Path outputDir) {
  public static final Path DEFAULT_WATCH_DIR = Path.of("/var/lib/hyper2kvm/queue");
  public static final Path DEFAULT_OUTPUT_DIR = Path.of("/var/lib/hyper2kvm/output");

  public QueueLayout {
    watchDir = watchDir.toAbsolutePath().normalize();
    outputDir = outputDir.toAbsolutePath().normalize();
  }

  public Path processingRoot() {
    return watchDir.resolve(".processing");
  }

  public Path processingDir(String owner) {
    return processingRoot().resolve(owner);
  }

  public Path processedDir() {
    return watchDir.resolve(".processed");
  }

  public Path failedDir() {
    return watchDir.resolve(".failed");
  }

  public Path heartbeatDir() {
    return watchDir.resolve(".heartbeat");
  }

  public Path heartbeatFile(String owner) {
    return heartbeatDir().resolve(owner + ".json");
  }

  public Path jobRecordsDir() {
    return outputDir.resolve(".jobs");
  }

  public Path jobRecord(String jobId) {
    return jobRecordsDir().resolve(OutputNames.requireJobId(jobId) + ".json");
  }

  /** The file names of one VM's outputs in the output dir. */
  public OutputFiles outputsFor(String vmStem) {
    return new OutputFiles(outputDir, vmStem);
  }
}
