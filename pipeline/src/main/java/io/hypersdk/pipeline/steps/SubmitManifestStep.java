package io.hypersdk.pipeline.steps;

import io.hypersdk.io.AtomicFiles;
import io.hypersdk.manifest.ArtifactManifest;
import io.hypersdk.manifest.Disk;
import io.hypersdk.manifest.ManifestIO;
import io.hypersdk.pipeline.PipelineException;
import io.hypersdk.queue.OutputNames;
import io.hypersdk.queue.QueueLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Puts the manifest in the queue under a name unique to the job (VM name + job id), through a temp file and
 * a rename, so the daemon never reads half a manifest and concurrent jobs never collide. Before that it
 * notes the VM's existing outputs, so stale ones are never taken for this job's result.
 */
public final class SubmitManifestStep {

  /**
   * A queued manifest: where it sits, the file as written (to tell it from anything else later found under
   * that name), when, the outputs that were there before, and the boot disk whose conversion is
   * {@code VM.qcow2}.
   */
  public record Submission(Path queued, FileSnapshot written, Instant at, String jobId, String vmStem,
      FileSnapshot qcow2Before, FileSnapshot errorBefore, Disk bootDisk) {}

  public Submission run(ArtifactManifest manifest, QueueLayout layout) throws PipelineException {
    requireWritableDir(layout.watchDir(), "watch dir");
    requireWritableDir(layout.outputDir(), "output dir");
    String jobId = manifest.jobId();
    if (!OutputNames.isValidJobId(jobId)) {
      throw new PipelineException("the manifest has no usable metadata.job_id; daemon mode needs one to find the result");
    }
    String stem;
    try {
      stem = OutputNames.vmStem(manifest.vmName());
    } catch (IllegalArgumentException e) {
      throw new PipelineException(e.getMessage());
    }
    var outputs = layout.outputsFor(stem);
    FileSnapshot qcow2 = FileSnapshot.of(outputs.primaryDisk("qcow2"));
    FileSnapshot error = FileSnapshot.of(outputs.errorFile());
    Path queued = layout.watchDir().resolve(OutputNames.submissionName(stem, jobId));
    if (Files.exists(queued)) {
      throw new PipelineException("job " + jobId + " is already queued as " + queued);
    }
    Instant at = Instant.now();
    try {
      AtomicFiles.write(queued, (ManifestIO.toJson(manifest) + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new PipelineException("cannot submit to watch dir " + layout.watchDir() + ": " + e.getMessage());
    }
    Disk boot = manifest.disksInBootOrder().stream().findFirst().orElse(null);
    return new Submission(queued, FileSnapshot.of(queued), at, jobId, stem, qcow2, error, boot);
  }

  /**
   * Checks by writing, not by permission bits: root passes every permission check but not a read-only mount.
   */
  static void requireWritableDir(Path dir, String what) throws PipelineException {
    if (!Files.isDirectory(dir)) {
      throw new PipelineException(what + " " + dir + " does not exist; create it or start the daemon that owns it");
    }
    Path probe = AtomicFiles.tempSibling(dir.resolve("write-check"));
    try {
      Files.createFile(probe);
      Files.delete(probe);
    } catch (IOException e) {
      // The system's reason ("Permission denied", "Read-only file system"), not a Java class name.
      String reason = e instanceof java.nio.file.AccessDeniedException ? "Permission denied"
          : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
          : e.getMessage();
      throw new PipelineException(what + " " + dir + " is not writable by this user (" + reason
          + "); add the user to the hyper2kvm group or fix the folder's permissions");
    }
  }
}
