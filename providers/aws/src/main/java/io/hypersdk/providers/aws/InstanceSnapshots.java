package io.hypersdk.providers.aws;

import io.hypersdk.providers.ExitCleanup;
import io.hypersdk.providers.ProviderException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CopyTagsFromSource;
import software.amazon.awssdk.services.ec2.model.CreateSnapshotsResponse;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Snapshot;
import software.amazon.awssdk.services.ec2.model.SnapshotInfo;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * The crash-consistent snapshots of one instance's volumes, taken together while it keeps running. Closing
 * deletes them; a shutdown hook deletes them too if the JVM ends before {@link #close} runs.
 */
final class InstanceSnapshots implements AutoCloseable {
  private static final Duration FIRST_POLL = Duration.ofMillis(500);
  private static final Duration MAX_POLL = Duration.ofSeconds(15);
  private final Ec2Client ec2;
  /** Volume id to snapshot id. */
  private final Map<String, String> byVolume = new LinkedHashMap<>();
  /** Registered once CreateSnapshots returned: before that there is nothing to delete. */
  private ExitCleanup cleanup;

  private InstanceSnapshots(Ec2Client ec2) {
    this.ec2 = ec2;
  }

  /** Snapshots every EBS volume of {@code instanceId} at the same moment (CreateSnapshots). */
  static InstanceSnapshots take(Ec2Client ec2, String instanceId) throws ProviderException {
    InstanceSnapshots s = new InstanceSnapshots(ec2);
    CreateSnapshotsResponse r;
    try {
      r = ec2.createSnapshots(b -> b.instanceSpecification(i -> i.instanceId(instanceId).excludeBootVolume(false))
          .description("hypersdk export of " + instanceId + " (deleted when the export ends)")
          .copyTagsFromSource(CopyTagsFromSource.VOLUME)
          .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.SNAPSHOT)
              .tags(Tag.builder().key("hypersdk:export").value(instanceId).build()).build()));
    } catch (SdkException e) {
      throw AwsErrors.map(e, "ec2:CreateSnapshots");
    }
    for (SnapshotInfo i : r.snapshots()) {
      s.byVolume.put(i.volumeId(), i.snapshotId());
    }
    s.cleanup = ExitCleanup.register("aws-snapshot-cleanup", s::deleteAll);
    return s;
  }

  /** The snapshot of {@code volumeId}; every volume the instance had when the snapshots were taken has one. */
  String of(String volumeId) throws ProviderException {
    String id = byVolume.get(volumeId);
    if (id == null) {
      throw new ProviderException(ProviderException.Kind.EXPORT_FAILED, "CreateSnapshots returned no snapshot of "
          + volumeId + "; was it attached after the instance was read?");
    }
    return id;
  }

  /** Waits until every snapshot is completed, polling less often as time goes on; an errored one fails. */
  void awaitCompleted() throws ProviderException, InterruptedException {
    Duration wait = FIRST_POLL;
    while (true) {
      List<Snapshot> snaps;
      try {
        snaps = ec2.describeSnapshots(b -> b.snapshotIds(byVolume.values())).snapshots();
      } catch (SdkException e) {
        throw AwsErrors.map(e, "ec2:DescribeSnapshots");
      }
      boolean pending = false;
      for (Snapshot s : snaps) {
        switch (s.stateAsString()) {
          case "completed" -> { }
          case "error", "recoverable", "recovering" -> throw new ProviderException(
              ProviderException.Kind.EXPORT_FAILED, "snapshot " + s.snapshotId() + " of " + s.volumeId() + " failed: "
                  + AwsErrors.firstLine(s.stateMessage()));
          default -> pending = true;
        }
      }
      if (!pending) {
        return;
      }
      Thread.sleep(wait.toMillis());
      wait = wait.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : wait.multipliedBy(2);
    }
  }

  /** Deletes every snapshot, whatever interrupts the export (see {@link ExitCleanup}). */
  @Override
  public void close() {
    cleanup.close();
  }

  /** Deletes the snapshots still listed; true when none is left. */
  private synchronized boolean deleteAll() {
    for (var it = byVolume.entrySet().iterator(); it.hasNext(); ) {
      String id = it.next().getValue();
      try {
        ec2.deleteSnapshot(b -> b.snapshotId(id));
        it.remove();
      } catch (SdkException e) {
        System.err.println("hyperexport: could not delete snapshot " + id + " (delete it by hand: aws ec2 "
            + "delete-snapshot --snapshot-id " + id + "): " + AwsErrors.map(e, "ec2:DeleteSnapshot").getMessage());
      }
    }
    return byVolume.isEmpty();
  }
}
