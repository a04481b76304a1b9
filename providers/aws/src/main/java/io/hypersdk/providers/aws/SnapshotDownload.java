package io.hypersdk.providers.aws;

import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.download.DiskRange;
import io.hypersdk.providers.download.Downloaded;
import io.hypersdk.providers.download.RangeChecksum;
import io.hypersdk.providers.download.RangeReader;
import io.hypersdk.providers.download.RangedDownload;
import io.hypersdk.providers.download.RetryableReadException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.ebs.EbsClient;
import software.amazon.awssdk.services.ebs.model.Block;
import software.amazon.awssdk.services.ebs.model.GetSnapshotBlockResponse;
import software.amazon.awssdk.services.ebs.model.ListSnapshotBlocksResponse;

/**
 * Reads one snapshot through the EBS direct APIs into a sparse raw disk with {@link RangedDownload}: each listed
 * block is a range checked against the SHA-256 EBS sends for it; blocks EBS does not list are holes.
 */
final class SnapshotDownload {
  static final int ATTEMPTS = RangedDownload.ATTEMPTS;
  private final EbsClient ebs;
  private final ExecutorService pool;
  private final int parallel;
  private final ExportProgress progress;

  /** The snapshot's block list and geometry, read before any block so the total is known for progress. */
  record Layout(String snapshotId, long volumeBytes, int blockSize, List<Block> blocks) {
    long dataBytes() {
      return (long) blocks.size() * blockSize;
    }
  }

  SnapshotDownload(EbsClient ebs, ExecutorService pool, int parallel, ExportProgress progress) {
    this.ebs = ebs;
    this.pool = pool;
    this.parallel = parallel;
    this.progress = progress;
  }

  /** Every block of the snapshot that holds data, in index order (ListSnapshotBlocks, paged). */
  Layout layout(String snapshotId) throws ProviderException {
    List<Block> blocks = new ArrayList<>();
    String token = null;
    long volumeGiB = 0;
    int blockSize = 0;
    try {
      do {
        String t = token;
        ListSnapshotBlocksResponse r = ebs.listSnapshotBlocks(b -> b.snapshotId(snapshotId).nextToken(t)
            .maxResults(10000));
        blocks.addAll(r.blocks());
        volumeGiB = r.volumeSize() == null ? volumeGiB : r.volumeSize();
        blockSize = r.blockSize() == null ? blockSize : r.blockSize();
        if (r.nextToken() != null && r.nextToken().equals(token)) {
          throw new ProviderException(ProviderException.Kind.EXPORT_FAILED, "ebs:ListSnapshotBlocks returned the same "
              + "page token twice for " + snapshotId);
        }
        token = r.nextToken();
      } while (token != null && !token.isEmpty());
    } catch (SdkException e) {
      throw AwsErrors.map(e, "ebs:ListSnapshotBlocks");
    }
    if (blockSize <= 0 || volumeGiB <= 0) {
      throw new ProviderException(ProviderException.Kind.EXPORT_FAILED, "ebs:ListSnapshotBlocks gave no volume size "
          + "or block size for " + snapshotId);
    }
    blocks.sort(Comparator.comparing(Block::blockIndex));
    return new Layout(snapshotId, volumeGiB << 30, blockSize, blocks);
  }

  /**
   * Writes the snapshot to {@code target} (see {@link RangedDownload#to}); on a run again, a block an interrupted
   * run wrote is reused when EBS still sends the checksum it had and the bytes on disk match it, and its transfer is
   * dropped unread.
   */
  Downloaded download(Layout layout, Path target) throws ProviderException, InterruptedException {
    int size = layout.blockSize();
    Map<Long, Block> byOffset = layout.blocks().stream().collect(Collectors.toMap(b -> offset(b, size),
        Function.identity()));
    List<DiskRange> ranges = layout.blocks().stream().map(b -> new DiskRange(offset(b, size), size)).toList();
    return RangedDownload.builder(pool, (range, earlier) -> read(layout, byOffset.get(range.offset()), earlier),
            layout.volumeBytes())
        .ranges(ranges).parallel(parallel).progress(progress)
        .checksum(RangeChecksum.SHA256_BASE64, "EBS")
        .journal("ebs-blocks", size)
        .describe(r -> "block " + r.offset() / size + " of " + layout.snapshotId())
        .build().to(target);
  }

  private static long offset(Block b, int blockSize) {
    return (long) b.blockIndex() * blockSize;
  }

  private RangeReader.Chunk read(Layout layout, Block b, RangeReader.Earlier earlier) throws ProviderException,
      RetryableReadException {
    try {
      return ebs.getSnapshotBlock(q -> q.snapshotId(layout.snapshotId()).blockIndex(b.blockIndex())
          .blockToken(b.blockToken()), (GetSnapshotBlockResponse r, AbortableInputStream in) -> {
            if (earlier.holds(r.checksum())) {
              in.abort();
              return RangeReader.Chunk.unchanged();
            }
            // A block without EBS's checksum cannot be checked: it is read again like a damaged one.
            return new RangeReader.Chunk(in.readAllBytes(), r.checksum() == null ? "none" : r.checksum());
          });
    } catch (SdkException e) {
      ProviderException mapped = AwsErrors.map(e, "ebs:GetSnapshotBlock");
      if (!AwsErrors.retryable(e)) {
        throw mapped;
      }
      throw new RetryableReadException(mapped);
    }
  }
}
