package io.hypersdk.convert.daemon;

import io.hypersdk.queue.QueueLayout;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on the daemon's processing folder, so two daemons with the same identity cannot both
 * recover (and so double-convert) the same claimed manifests.
 */
final class OwnerLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private OwnerLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static OwnerLock acquire(Path processingDir, String owner) throws IOException {
    Files.createDirectories(processingDir);
    Path file = processingDir.resolve(QueueLayout.OWNER_LOCK);
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      ch.close();
      throw new IOException("another daemon named " + owner + " is already serving this queue; give this one a "
          + "different --instance");
    }
    return new OwnerLock(ch, l);
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
