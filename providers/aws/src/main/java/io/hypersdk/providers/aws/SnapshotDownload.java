package io.hypersdk.providers.aws;

import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ProviderException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.ebs.EbsClient;
import software.amazon.awssdk.services.ebs.model.Block;
import software.amazon.awssdk.services.ebs.model.GetSnapshotBlockResponse;
import software.amazon.awssdk.services.ebs.model.ListSnapshotBlocksResponse;

/**
 * Reads one snapshot through the EBS direct APIs into a sparse raw disk. Blocks are fetched in parallel but
 * written in order, so the file's SHA-256 is computed as it is written; blocks EBS does not list are holes.
 */
final class SnapshotDownload {
  static final int ATTEMPTS = 4;
  private static final long FIRST_BACKOFF_MS = 200;
  private final EbsClient ebs;
  private final ExecutorService pool;
  private final int window;
  private final ExportProgress progress;

  /** What was written: the file, its size and its SHA-256 ({@code sha256:HEX}, as the manifest has it). */
  record Written(Path path, long bytes, String sha256) {}

  /** The snapshot's block list and geometry, read before any block so the total is known for progress. */
  record Layout(String snapshotId, long volumeBytes, int blockSize, List<Block> blocks) {
    long dataBytes() {
      return (long) blocks.size() * blockSize;
    }
  }

  SnapshotDownload(EbsClient ebs, ExecutorService pool, int parallel, ExportProgress progress) {
    this.ebs = ebs;
    this.pool = pool;
    this.window = parallel * 2;
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
    blocks.sort(java.util.Comparator.comparing(Block::blockIndex));
    return new Layout(snapshotId, volumeGiB << 30, blockSize, blocks);
  }

  /** Writes the snapshot to {@code target} through a temporary file, renamed when complete and removed if not. */
  Written download(Layout layout, Path target) throws ProviderException, InterruptedException {
    Path part = target.resolveSibling(target.getFileName() + ".part");
    boolean complete = false;
    try {
      Written w = write(layout, part, target);
      complete = true;
      return w;
    } finally {
      if (!complete) {
        try {
          Files.deleteIfExists(part);
        } catch (IOException ignored) {
          // The export fails anyway; a leftover .part is never mistaken for a disk.
        }
      }
    }
  }

  private Written write(Layout layout, Path part, Path target) throws ProviderException, InterruptedException {
    MessageDigest sha = sha256();
    Deque<Future<byte[]>> inFlight = new ArrayDeque<>();
    try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      long written = 0;
      int next = 0;
      List<Block> blocks = layout.blocks();
      for (int done = 0; done < blocks.size(); done++) {
        while (next < blocks.size() && inFlight.size() < window) {
          Block b = blocks.get(next++);
          inFlight.add(pool.submit(() -> fetch(layout, b)));
        }
        byte[] data = await(inFlight.poll());
        long offset = (long) blocks.get(done).blockIndex() * layout.blockSize();
        written = skipHole(sha, written, offset);
        sha.update(data);
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
          ch.write(buf, offset + buf.position());
        }
        written = offset + data.length;
        progress.advance(data.length);
      }
      skipHole(sha, written, layout.volumeBytes());
      ch.truncate(layout.volumeBytes());
      if (ch.size() < layout.volumeBytes()) {
        // Extending by one byte at the end leaves the tail a hole, as the blocks EBS did not list.
        ch.write(ByteBuffer.wrap(new byte[1]), layout.volumeBytes() - 1);
      }
      ch.force(false);
    } catch (IOException e) {
      throw new ProviderException(ProviderException.Kind.EXPORT_FAILED, "cannot write " + part + ": "
          + e.getMessage(), e);
    } finally {
      inFlight.forEach(f -> f.cancel(true));
    }
    try {
      Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ProviderException(ProviderException.Kind.EXPORT_FAILED, "cannot rename " + part + ": "
          + e.getMessage(), e);
    }
    return new Written(target, layout.volumeBytes(), io.hypersdk.io.Sha256.format(sha));
  }

  /** Hashes the zeros between {@code from} and {@code to}, which stay a hole in the file. */
  private static long skipHole(MessageDigest sha, long from, long to) {
    byte[] zeros = new byte[1 << 20];
    for (long left = to - from; left > 0; left -= zeros.length) {
      sha.update(zeros, 0, (int) Math.min(left, zeros.length));
    }
    return Math.max(from, to);
  }

  /** One block, its SHA-256 checked against EBS's checksum; retried with backoff, then the export fails. */
  private byte[] fetch(Layout layout, Block b) throws ProviderException, InterruptedException {
    String problem = null;
    ProviderException.Kind kind = ProviderException.Kind.EXPORT_FAILED;
    long backoff = FIRST_BACKOFF_MS;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        ResponseBytes<GetSnapshotBlockResponse> r = ebs.getSnapshotBlock(q -> q.snapshotId(layout.snapshotId())
            .blockIndex(b.blockIndex()).blockToken(b.blockToken()), ResponseTransformer.toBytes());
        byte[] data = r.asByteArrayUnsafe();
        String expected = r.response().checksum();
        String actual = Base64.getEncoder().encodeToString(sha256().digest(data));
        if (expected != null && expected.equals(actual)) {
          return data;
        }
        problem = "its SHA-256 " + actual + " does not match the checksum EBS sent (" + expected + ")";
        kind = ProviderException.Kind.EXPORT_FAILED;
      } catch (SdkException e) {
        ProviderException mapped = AwsErrors.map(e, "ebs:GetSnapshotBlock");
        if (!AwsErrors.retryable(e)) {
          throw mapped;
        }
        problem = mapped.getMessage();
        kind = mapped.kind();
      }
      if (attempt < ATTEMPTS) {
        Thread.sleep(backoff);
        backoff *= 2;
      }
    }
    throw new ProviderException(kind, "block " + b.blockIndex() + " of "
        + layout.snapshotId() + " failed " + ATTEMPTS + " times: " + problem);
  }

  private static byte[] await(Future<byte[]> f) throws ProviderException, InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ProviderException p) {
        throw p;
      }
      if (e.getCause() instanceof InterruptedException i) {
        throw i;
      }
      throw new ProviderException(ProviderException.Kind.EXPORT_FAILED, "reading a block failed: "
          + e.getCause(), e.getCause());
    }
  }

  private static MessageDigest sha256() {
    return io.hypersdk.io.Sha256.newDigest();
  }
}
