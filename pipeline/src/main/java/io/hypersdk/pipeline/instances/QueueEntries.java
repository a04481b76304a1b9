package io.hypersdk.pipeline.instances;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.io.Sha256;
import io.hypersdk.manifest.ManifestIO;
import io.hypersdk.queue.JobRecord;
import io.hypersdk.queue.OutputNames;
import io.hypersdk.queue.QueueFiles;
import io.hypersdk.queue.QueueLayout;
import io.hypersdk.queue.QueueListing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The manifests waiting, being converted and failed in one queue, each with its VM, job id and age; a failed
 * one also with the first line of its error, from its job record ({@code output_dir/.jobs/JOB_ID.json}) or,
 * for a manifest too broken to have a job id, the VM's {@code VM.error} file.
 */
public final class QueueEntries {
  public static final String PENDING = "pending";
  public static final String PROCESSING = "processing";
  public static final String FAILED = "failed";

  private QueueEntries() {}

  /** One manifest; {@code owner} is the daemon that claimed a processing one, {@code error} set for failed ones. */
  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public record Entry(String state, String manifest, String owner, String vmName, String jobId, double ageSeconds,
      String error) {}

  /** Pending, then processing, then failed manifests, oldest first within each. */
  public static List<Entry> of(QueueLayout layout) {
    Instant now = Instant.now();
    List<Entry> entries = new ArrayList<>();
    for (Path f : pending(layout)) {
      entries.add(entry(PENDING, f, null, now, layout));
    }
    for (Path owner : folders(layout.processingRoot())) {
      for (Path f : manifests(owner)) {
        entries.add(entry(PROCESSING, f, owner.getFileName().toString(), now, layout));
      }
    }
    for (Path f : manifests(layout.failedDir())) {
      entries.add(entry(FAILED, f, null, now, layout));
    }
    return entries;
  }

  private static Entry entry(String state, Path file, String owner, Instant now, QueueLayout layout) {
    JsonNode tree = ManifestIO.readLenient(file);
    String vm = tree.path("source").path("vm_name").asText(null);
    String jobId = jobId(file, tree);
    double age = modified(file).map(t -> Duration.between(t, now).toMillis() / 1000.0).orElse(0.0);
    String error = FAILED.equals(state) ? error(layout, jobId, vm).orElse("(no error recorded)") : null;
    return new Entry(state, file.getFileName().toString(), owner, vm, jobId, age, error);
  }

  /** The job id as the daemon names the job: the manifest's own, or its name and a digest of its content. */
  private static String jobId(Path file, JsonNode tree) {
    String declared = tree.path("metadata").path("job_id").asText(null);
    if (declared != null) {
      return OutputNames.isValidJobId(declared) ? declared : null;
    }
    try {
      String digest = Sha256.ofFile(file).substring(Sha256.PREFIX.length(), Sha256.PREFIX.length() + 12);
      return OutputNames.manifestStem(file.getFileName().toString()) + "-" + digest;
    } catch (IOException e) {
      return null;
    }
  }

  private static Optional<String> error(QueueLayout layout, String jobId, String vm) {
    if (jobId != null) {
      try {
        Optional<JobRecord> record = QueueFiles.readRecord(layout, jobId);
        if (record.isPresent() && record.get().error() != null) {
          return Optional.of(firstLine(record.get().error()));
        }
      } catch (IOException | RuntimeException unreadable) {
        // Fall back to the VM's error file.
      }
    }
    try {
      Path errorFile = layout.outputsFor(OutputNames.vmStem(vm)).errorFile();
      return Optional.of(firstLine(Files.readString(errorFile, StandardCharsets.UTF_8)));
    } catch (IOException | IllegalArgumentException none) {
      return Optional.empty();
    }
  }

  private static String firstLine(String text) {
    return text.strip().lines().findFirst().orElse("");
  }

  private static List<Path> pending(QueueLayout layout) {
    try {
      return QueueListing.pending(layout);
    } catch (IOException e) {
      return List.of();
    }
  }

  /** A folder that cannot be listed shows as empty: the listing is a view, not a decision. */
  private static List<Path> manifests(Path dir) {
    try {
      return QueueListing.manifests(dir);
    } catch (IOException e) {
      return List.of();
    }
  }

  private static List<Path> folders(Path dir) {
    return list(dir).stream().filter(Files::isDirectory).sorted().toList();
  }

  private static List<Path> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static Optional<Instant> modified(Path f) {
    try {
      return Optional.of(Files.getLastModifiedTime(f).toInstant());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
