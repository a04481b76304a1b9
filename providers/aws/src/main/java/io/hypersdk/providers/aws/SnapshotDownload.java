package io.hypersdk.providers.aws;

import io.hypersdk.io.AtomicFiles;
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
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.AbortableInputStream;
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
  /** Blocks written between two flushes of the data and its journal (32 MiB of 512 KiB blocks). */
  private static final int JOURNAL_EVERY = 64;
  private static final long FIRST_BACKOFF_MS = 200;
  private final EbsClient ebs;
  private final ExecutorService pool;
  private final int window;
  private final ExportProgress progress;

  /**
   * What was written: the file, its size, its SHA-256 ({@code sha256:HEX}, as the manifest has it) and how many
   * blocks were reused from an interrupted run.
   */
  record Written(Path path, long bytes, String sha256, int reusedBlocks) {}

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

  /**
   * Writes the snapshot to {@code target} through {@code TARGET.part}, renamed when complete. A failed or
   * interrupted run leaves the part file with its {@link BlockJournal}; run again, the blocks it holds are reused
   * where EBS still sends the same checksum for them and the bytes on disk match it, and fetched otherwise.
   */
  Written download(Layout layout, Path target) throws ProviderException, InterruptedException {
    Path part = target.resolveSibling(target.getFileName() + ".part");
    Path previous = target.resolveSibling(target.getFileName() + ".resume");
    boolean complete = false;
    try {
      keepForResume(part, previous);
      // A disk a failed run of the same export finished is checked again like a partial one.
      keepForResume(target, previous);
      Written w = write(layout, part, target, BlockJournal.load(previous, layout.blockSize(), layout.volumeBytes()),
          previous);
      complete = true;
      return w;
    } catch (IOException e) {
      throw new ProviderException(ProviderException.Kind.EXPORT_FAILED, "cannot write " + part + ": "
          + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(previous);
        Files.deleteIfExists(BlockJournal.fileOf(previous));
        if (!complete && !Files.exists(BlockJournal.fileOf(part))) {
          Files.deleteIfExists(part);
        }
      } catch (IOException ignored) {
        // A leftover .part or .resume is never mistaken for a disk; the next run replaces it.
      }
    }
  }

  /** Moves {@code disk} and its journal aside as the blocks a new run may reuse, if it has a journal. */
  private static void keepForResume(Path disk, Path previous) throws IOException {
    if (Files.isRegularFile(disk) && Files.isRegularFile(BlockJournal.fileOf(disk)) && !Files.exists(previous)) {
      AtomicFiles.move(disk, previous);
      AtomicFiles.move(BlockJournal.fileOf(disk), BlockJournal.fileOf(previous));
    }
  }

  private Written write(Layout layout, Path part, Path target, BlockJournal earlier, Path previous)
      throws ProviderException, InterruptedException, IOException {
    MessageDigest sha = sha256();
    Deque<Future<Fetched>> inFlight = new ArrayDeque<>();
    BlockJournal journal = BlockJournal.load(part, layout.blockSize(), layout.volumeBytes());
    journal.delete();
    int reused = 0;
    try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
        FileChannel old = earlier.size() == 0 ? null : FileChannel.open(previous, StandardOpenOption.READ)) {
      long written = 0;
      int next = 0;
      List<Block> blocks = layout.blocks();
      try {
        for (int done = 0; done < blocks.size(); done++) {
          while (next < blocks.size() && inFlight.size() < window) {
            Block b = blocks.get(next++);
            String known = earlier.checksum(b.blockIndex());
            inFlight.add(pool.submit(() -> fetch(layout, b, known, old)));
          }
          Fetched f = await(inFlight.poll());
          int index = blocks.get(done).blockIndex();
          long offset = (long) index * layout.blockSize();
          written = skipHole(sha, written, offset);
          sha.update(f.data());
          ByteBuffer buf = ByteBuffer.wrap(f.data());
          while (buf.hasRemaining()) {
            ch.write(buf, offset + buf.position());
          }
          written = offset + f.data().length;
          journal.add(index, f.checksum());
          reused += f.reused() ? 1 : 0;
          if ((done + 1) % JOURNAL_EVERY == 0) {
            ch.force(false);
            journal.save();
          }
          progress.advance(f.data().length);
        }
      } catch (ProviderException | InterruptedException | RuntimeException e) {
        // What is on disk and flushed is kept, for a run of the same export to resume from.
        boolean interrupted = Thread.interrupted();
        try {
          ch.force(false);
          journal.save();
        } catch (IOException ignored) {
          // Without a journal the next run starts this disk over.
        } finally {
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
        }
        throw e;
      } finally {
        inFlight.forEach(f -> f.cancel(true));
      }
      skipHole(sha, written, layout.volumeBytes());
      ch.truncate(layout.volumeBytes());
      if (ch.size() < layout.volumeBytes()) {
        // Extending by one byte at the end leaves the tail a hole, as the blocks EBS did not list.
        ch.write(ByteBuffer.wrap(new byte[1]), layout.volumeBytes() - 1);
      }
      ch.force(false);
    }
    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    // Kept beside the finished disk until the whole export succeeds: another volume may still fail.
    journal.save();
    journal.renameTo(target);
    return new Written(target, layout.volumeBytes(), io.hypersdk.io.Sha256.format(sha), reused);
  }

  /** Hashes the zeros between {@code from} and {@code to}, which stay a hole in the file. */
  private static long skipHole(MessageDigest sha, long from, long to) {
    byte[] zeros = new byte[1 << 20];
    for (long left = to - from; left > 0; left -= zeros.length) {
      sha.update(zeros, 0, (int) Math.min(left, zeros.length));
    }
    return Math.max(from, to);
  }

  /** A block's bytes, the checksum EBS sent for them, and whether they were reused from an earlier run. */
  private record Fetched(byte[] data, String checksum, boolean reused) {}

  /**
   * One block, its SHA-256 checked against EBS's checksum; retried with backoff, then the export fails. When an
   * earlier run wrote the block ({@code known} is the checksum it had) and EBS still sends that checksum, the
   * bytes on disk are used if they match it, and the transfer is dropped unread.
   */
  private Fetched fetch(Layout layout, Block b, String known, FileChannel old) throws ProviderException,
      InterruptedException {
    String problem = null;
    ProviderException.Kind kind = ProviderException.Kind.EXPORT_FAILED;
    long backoff = FIRST_BACKOFF_MS;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        Fetched f = ebs.getSnapshotBlock(q -> q.snapshotId(layout.snapshotId()).blockIndex(b.blockIndex())
            .blockToken(b.blockToken()), (GetSnapshotBlockResponse r, AbortableInputStream in) -> {
              String expected = r.checksum();
              if (known != null && known.equals(expected)) {
                byte[] local = readBlock(old, (long) b.blockIndex() * layout.blockSize(), layout.blockSize());
                if (local != null && expected.equals(checksum(local))) {
                  in.abort();
                  return new Fetched(local, expected, true);
                }
              }
              return new Fetched(in.readAllBytes(), expected, false);
            });
        String actual = f.reused() ? f.checksum() : checksum(f.data());
        if (f.checksum() != null && f.checksum().equals(actual)) {
          return f;
        }
        problem = "its SHA-256 " + actual + " does not match the checksum EBS sent (" + f.checksum() + ")";
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

  /** {@code length} bytes of the earlier run's file at {@code offset}, or null if it does not hold them all. */
  private static byte[] readBlock(FileChannel old, long offset, int length) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length);
    while (buf.hasRemaining()) {
      if (old.read(buf, offset + buf.position()) < 0) {
        return null;
      }
    }
    return buf.array();
  }

  private static String checksum(byte[] data) {
    return Base64.getEncoder().encodeToString(sha256().digest(data));
  }

  private static Fetched await(Future<Fetched> f) throws ProviderException, InterruptedException {
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
