package io.hypersdk.io;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * Writes a new file from start to end, with O_DIRECT where the file system allows it. A disk image streamed
 * through the page cache costs the kernel a fresh page for every 4 KiB written and leaves gigabytes of dirty
 * pages for the final fsync; on a VM whose free memory is returned to its host, those fresh pages each fault
 * on the host as well, which made a buffered write of 1.5 GiB take 0.4-4.7 s of system time here against
 * 0.2-0.5 s direct (bench/README.md, vsphere-export). Network and FUSE file systems, and those that refuse
 * O_DIRECT (ramfs), get buffered writes instead.
 */
public final class SequentialFileWriter implements AutoCloseable {
  /**
   * On these a direct write waits for the server on every block, where the page cache keeps many writes in
   * flight (the Linux NFS client also commits each direct write), so an export to a shared queue folder would
   * slow down.
   */
  private static final Set<String> NETWORK_FILE_SYSTEMS =
      Set.of("nfs", "nfs4", "cifs", "smb3", "9p", "ceph", "glusterfs", "afs", "lustre", "gpfs", "ocfs2", "gfs2");
  /** Bytes per write: large enough that a direct write keeps the disk busy, small enough to allocate per file. */
  private static final int BLOCK = 1 << 20;
  private final Path path;
  private final FileChannel channel;
  private final boolean direct;
  private final int alignment;
  private final ByteBuffer block;
  private long position;

  private SequentialFileWriter(Path path, FileChannel channel, boolean direct, int alignment) {
    this.path = path;
    this.channel = channel;
    this.direct = direct;
    this.alignment = alignment;
    this.block = ByteBuffer.allocateDirect(BLOCK + alignment).alignedSlice(alignment);
  }

  /** Creates {@code path}, which must not exist. */
  public static SequentialFileWriter create(Path path) throws IOException {
    int alignment = directAlignment(Files.getFileStore(path.toAbsolutePath().getParent()));
    if (alignment > 0) {
      try {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            ExtendedOpenOption.DIRECT);
        return new SequentialFileWriter(path, ch, true, alignment);
      } catch (FileAlreadyExistsException e) {
        throw e;
      } catch (IOException | UnsupportedOperationException e) {
        // Linux creates the file before it checks O_DIRECT, so a refusal can leave it behind; it is ours.
        Files.deleteIfExists(path);
      }
    }
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new SequentialFileWriter(path, ch, false, 1);
  }

  /**
   * The alignment of direct writes on {@code store}: its block, and never less than 4 KiB, because a disk with
   * 4 KiB sectors under a file system of 1 KiB blocks refuses direct writes aligned to 1 KiB only; 0 where
   * direct writes do not suit it or the block is unknown.
   */
  private static int directAlignment(FileStore store) {
    if (!directSuits(store.type())) {
      return 0;
    }
    try {
      int alignment = Math.max(4096, Math.toIntExact(store.getBlockSize()));
      return BLOCK % alignment == 0 ? alignment : 0;
    } catch (IOException | UnsupportedOperationException | ArithmeticException e) {
      return 0;
    }
  }

  /** Whether direct writes suit a file system of this type (as {@link FileStore#type} names it). */
  static boolean directSuits(String fileSystemType) {
    return !NETWORK_FILE_SYSTEMS.contains(fileSystemType) && !fileSystemType.startsWith("fuse");
  }

  /** Whether the page cache is bypassed. */
  public boolean direct() {
    return direct;
  }

  /** Appends {@code len} bytes of {@code src} from {@code off}. */
  public void write(byte[] src, int off, int len) throws IOException {
    while (len > 0) {
      int n = Math.min(len, block.remaining());
      block.put(src, off, n);
      off += n;
      len -= n;
      if (!block.hasRemaining()) {
        writeBlock(block.capacity());
      }
    }
  }

  /** Writes what is left and makes the whole file durable (data and size). */
  public void finish() throws IOException {
    int pending = block.position();
    int aligned = pending / alignment * alignment;
    if (aligned > 0) {
      writeBlock(aligned);
    }
    if (block.position() > 0) {
      // O_DIRECT cannot write a tail that is not a whole block: it goes through the page cache.
      try (FileChannel tail = FileChannel.open(path, StandardOpenOption.WRITE)) {
        block.flip();
        while (block.hasRemaining()) {
          position += tail.write(block, position);
        }
        block.clear();
        tail.force(true);
      }
    }
    channel.force(true);
  }

  /** Bytes written so far. */
  public long size() {
    return position + block.position();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /** Writes the first {@code bytes} of the block at the file's end and keeps the rest at the block's start. */
  private void writeBlock(int bytes) throws IOException {
    int filled = block.position();
    block.position(0).limit(bytes);
    while (block.hasRemaining()) {
      int n = channel.write(block, position);
      position += n;
      if (direct && block.hasRemaining()) {
        // The rest would be misaligned, and the kernel would answer only "Invalid argument".
        throw new IOException("wrote only " + n + " of " + bytes + " bytes to " + path
            + " at offset " + (position - n) + "; is the disk full?");
      }
    }
    block.limit(filled).position(bytes);
    block.compact();
  }
}
