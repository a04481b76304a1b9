package io.hypersdk.providers.aws;

import io.hypersdk.providers.DiskInfo;
import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedDisk;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.Providers;
import io.hypersdk.providers.VmInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ContainerFormat;
import software.amazon.awssdk.services.ec2.model.DiskImageFormat;
import software.amazon.awssdk.services.ec2.model.ExportEnvironment;
import software.amazon.awssdk.services.ec2.model.ExportTask;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The export-task path: VM Export (CreateInstanceExportTask) writes the instance as an OVA to S3; it is waited on,
 * downloaded with parallel ranged GETs, read by the local provider's OVA reader, and deleted from S3 unless kept.
 * What VM Export cannot do is refused before anything is created.
 */
final class VmExportTask {
  static final String EXPORT_METHOD = "aws-export-task";
  private static final long RANGE = 16L << 20;
  private static final Duration FIRST_POLL = Duration.ofMillis(500);
  private static final Duration MAX_POLL = Duration.ofSeconds(30);
  private final Ec2Client ec2;
  private final S3Client s3;
  private final AwsConfig config;
  private final ExecutorService pool;

  VmExportTask(Ec2Client ec2, S3Client s3, AwsConfig config, ExecutorService pool) {
    this.ec2 = ec2;
    this.s3 = s3;
    this.config = config;
    this.pool = pool;
  }

  /** The limits AWS documents for VM Export, checked on the instance as it is now; the first one broken is named. */
  void checkLimits(Instance instance, VmInfo vm) throws ProviderException {
    String id = instance.instanceId();
    if (vm.disks().size() != 1) {
      throw refused(id, "has " + vm.disks().size() + " EBS volumes and VM Export exports only instances with one");
    }
    if (instance.networkInterfaces().size() > 1) {
      throw refused(id, "has " + instance.networkInterfaces().size()
          + " network interfaces and VM Export exports only instances with one");
    }
    if (instance.productCodes().stream().anyMatch(p -> "marketplace".equals(p.productCodeTypeAsString()))) {
      throw refused(id, "was launched from an AWS Marketplace image, which VM Export cannot export");
    }
    String platform = instance.platformDetails() == null ? "" : instance.platformDetails().toLowerCase(Locale.ROOT);
    if (platform.contains("windows") && !platform.contains("byol")) {
      throw refused(id, "runs AWS-licensed Windows (" + instance.platformDetails() + "), which VM Export cannot "
          + "export");
    }
    List<Volume> volumes;
    try {
      volumes = ec2.describeVolumes(b -> b.volumeIds(vm.disks().stream().map(DiskInfo::id).toList())).volumes();
    } catch (SdkException e) {
      throw AwsErrors.map(e, "ec2:DescribeVolumes");
    }
    for (Volume v : volumes) {
      if (Boolean.TRUE.equals(v.encrypted())) {
        throw refused(id, "has the encrypted volume " + v.volumeId() + ", which VM Export cannot export");
      }
    }
  }

  private static ProviderException refused(String id, String why) {
    return new ProviderException(Kind.INVALID_REQUEST, "--export-method export-task: instance " + id + " " + why
        + "; use the default --export-method ebs-direct");
  }

  /** Runs the export task and reads its OVA into {@code out}; the task is cancelled and the object deleted however it ends. */
  ExportedVm export(Instance instance, VmInfo vm, Path out, ExportProgress progress) throws ProviderException,
      InterruptedException {
    ExportTask task;
    try {
      task = ec2.createInstanceExportTask(b -> b.instanceId(instance.instanceId())
          .targetEnvironment(ExportEnvironment.VMWARE)
          .description("hypersdk export of " + instance.instanceId() + " (deleted when the export ends)")
          .exportToS3Task(s -> s.containerFormat(ContainerFormat.OVA).diskImageFormat(DiskImageFormat.VMDK)
              .s3Bucket(config.bucket()).s3Prefix(config.prefix()))).exportTask();
    } catch (SdkException e) {
      throw AwsErrors.map(e, "ec2:CreateInstanceExportTask");
    }
    String key = task.exportToS3Task() != null && task.exportToS3Task().s3Key() != null
        ? task.exportToS3Task().s3Key() : config.prefix() + task.exportTaskId() + ".ova";
    boolean completed = false;
    Path ova = out.resolve(task.exportTaskId() + ".ova");
    try {
      awaitCompleted(task.exportTaskId());
      completed = true;
      download(key, ova, progress);
      return readOva(ova, vm, out);
    } finally {
      boolean interrupted = Thread.interrupted();
      try {
        if (!completed) {
          cancel(task.exportTaskId());
        }
        if (!config.keepExport()) {
          deleteObject(key);
        }
        Files.deleteIfExists(ova);
        Files.deleteIfExists(ova.resolveSibling(ova.getFileName() + ".part"));
      } catch (IOException ignored) {
        // The OVA is a temporary copy; the disks read from it are what the export delivers.
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private void awaitCompleted(String taskId) throws ProviderException, InterruptedException {
    Duration wait = FIRST_POLL;
    String last = null;
    while (true) {
      ExportTask t;
      try {
        t = ec2.describeExportTasks(b -> b.exportTaskIds(taskId)).exportTasks().stream().findFirst()
            .orElseThrow(() -> new ProviderException(Kind.EXPORT_FAILED, "ec2:DescribeExportTasks does not know "
                + "the export task " + taskId));
      } catch (SdkException e) {
        throw AwsErrors.map(e, "ec2:DescribeExportTasks");
      }
      String state = t.stateAsString();
      String status = state + (t.statusMessage() == null ? "" : ": " + t.statusMessage());
      if (!status.equals(last)) {
        System.err.println("aws: export task " + taskId + " " + status);
        last = status;
      }
      switch (state) {
        case "completed" -> {
          return;
        }
        case "cancelled", "cancelling" -> throw new ProviderException(Kind.EXPORT_FAILED, "export task " + taskId
            + " was cancelled: " + AwsErrors.firstLine(t.statusMessage()));
        default -> { }
      }
      Thread.sleep(wait.toMillis());
      wait = wait.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : wait.multipliedBy(2);
    }
  }

  /** The OVA in ranges of 16 MiB, fetched in parallel, each retried with backoff, written at its offset. */
  private void download(String key, Path ova, ExportProgress progress) throws ProviderException,
      InterruptedException {
    long size;
    try {
      size = s3.headObject(b -> b.bucket(config.bucket()).key(key)).contentLength();
    } catch (SdkException e) {
      throw AwsErrors.map(e, "s3:GetObject");
    }
    progress.start(size);
    Path part = ova.resolveSibling(ova.getFileName() + ".part");
    List<Future<Void>> ranges = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      for (long from = 0; from < size; from += RANGE) {
        long start = from;
        long end = Math.min(size, from + RANGE) - 1;
        ranges.add(pool.submit(() -> {
          fetchRange(key, start, end, ch);
          progress.advance(end - start + 1);
          return null;
        }));
      }
      for (Future<Void> f : ranges) {
        await(f);
      }
      ch.force(false);
    } catch (IOException e) {
      throw new ProviderException(Kind.EXPORT_FAILED, "cannot write " + part + ": " + e.getMessage(), e);
    } finally {
      ranges.forEach(f -> f.cancel(true));
    }
    try {
      Files.move(part, ova, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ProviderException(Kind.EXPORT_FAILED, "cannot rename " + part + ": " + e.getMessage(), e);
    }
  }

  private void fetchRange(String key, long start, long end, FileChannel ch) throws ProviderException,
      InterruptedException, IOException {
    long backoff = 200;
    ProviderException last = null;
    for (int attempt = 1; attempt <= SnapshotDownload.ATTEMPTS; attempt++) {
      try (InputStream in = s3.getObject(b -> b.bucket(config.bucket()).key(key).range("bytes=" + start + "-" + end))) {
        byte[] data = in.readAllBytes();
        if (data.length == end - start + 1) {
          ByteBuffer buf = ByteBuffer.wrap(data);
          while (buf.hasRemaining()) {
            ch.write(buf, start + buf.position());
          }
          return;
        }
        last = new ProviderException(Kind.EXPORT_FAILED, "s3:GetObject of " + key + " bytes " + start + "-" + end
            + " returned " + data.length + " bytes");
      } catch (SdkException e) {
        last = AwsErrors.map(e, "s3:GetObject");
        if (!AwsErrors.retryable(e)) {
          throw last;
        }
      } catch (IOException e) {
        last = new ProviderException(Kind.NETWORK, "cannot read s3://" + config.bucket() + "/" + key + ": "
            + e.getMessage() + "; check the network", e);
      }
      if (attempt < SnapshotDownload.ATTEMPTS) {
        Thread.sleep(backoff);
        backoff *= 2;
      }
    }
    throw last;
  }

  /** The disks of the OVA, read by the local provider's OVA reader, with the instance's own facts and volume id. */
  private ExportedVm readOva(Path ova, VmInfo vm, Path out) throws ProviderException, InterruptedException {
    var local = Providers.discover().get("local");
    try (Provider reader = local.open(ProviderSettings.builder(local).set("root", out.toString()).build(Map.of()))) {
      ExportedVm read = reader.export(new ExportRequest(ova.toString(), out, ExportFormat.OVF), ExportProgress.NONE);
      if (read.disks().size() != 1) {
        throw new ProviderException(Kind.EXPORT_FAILED, "the OVA VM Export wrote holds " + read.disks().size()
            + " disks, not 1");
      }
      ExportedDisk d = read.disks().get(0);
      DiskInfo volume = vm.disks().get(0);
      return new ExportedVm(vm, List.of(new ExportedDisk(volume.id(), d.path(), d.format(), d.bytes(), d.sha256(), 0,
          volume.label())), null, null, EXPORT_METHOD, read.warnings());
    }
  }

  private void cancel(String taskId) {
    try {
      ec2.cancelExportTask(b -> b.exportTaskId(taskId));
    } catch (SdkException e) {
      System.err.println("hyperexport: could not cancel export task " + taskId + " (cancel it by hand: aws ec2 "
          + "cancel-export-task --export-task-id " + taskId + "): " + AwsErrors.map(e, "ec2:CancelExportTask")
          .getMessage());
    }
  }

  private void deleteObject(String key) {
    try {
      s3.deleteObject(b -> b.bucket(config.bucket()).key(key));
    } catch (NoSuchKeyException gone) {
      // VM Export never wrote it.
    } catch (SdkException e) {
      System.err.println("hyperexport: could not delete s3://" + config.bucket() + "/" + key + " (delete it by hand: "
          + "aws s3 rm s3://" + config.bucket() + "/" + key + "): " + AwsErrors.map(e, "s3:DeleteObject")
          .getMessage());
    }
  }

  private static void await(Future<Void> f) throws ProviderException, InterruptedException {
    try {
      f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ProviderException p) {
        throw p;
      }
      if (e.getCause() instanceof InterruptedException i) {
        throw i;
      }
      throw new ProviderException(Kind.EXPORT_FAILED, "reading the OVA failed: " + e.getCause(), e.getCause());
    }
  }
}
