package io.hypersdk.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/** Writes that other processes read: always through a temp file in the same folder and an atomic rename. */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes {@code content} to {@code target} so that readers see either the old file or the whole new one. */
  public static void write(Path target, byte[] content) throws IOException {
    Path dir = parentOf(target);
    Files.createDirectories(dir);
    Path temp = tempSibling(target);
    try {
      writeDurably(temp, content);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Like {@link #write}, but only if {@code target} does not exist yet; returns false when it does. The new
   * file appears by a hard link, which unlike a rename never replaces, so of two writers exactly one wins.
   */
  public static boolean writeNew(Path target, byte[] content) throws IOException {
    Path dir = parentOf(target);
    Files.createDirectories(dir);
    Path temp = tempSibling(target);
    try {
      writeDurably(temp, content);
      Files.createLink(target, temp);
      return true;
    } catch (FileAlreadyExistsException taken) {
      return false;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Moves {@code source} to {@code target} atomically. Across file systems the file is first copied to a
   * temp name beside the target, so the final name still never shows a partial file.
   */
  public static void move(Path source, Path target) throws IOException {
    Files.createDirectories(parentOf(target));
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException crossDevice) {
      Path temp = tempSibling(target);
      try {
        Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.delete(source);
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }

  /**
   * Renames {@code source} to {@code target} only if no file has that name yet; returns the name used,
   * adding a numeric suffix when the name is taken, so nothing already there is overwritten.
   */
  public static Path moveWithoutReplacing(Path source, Path target) throws IOException {
    Files.createDirectories(parentOf(target));
    String name = target.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String base = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : "";
    Path candidate = target;
    for (int n = 1; ; n++) {
      if (!Files.exists(candidate)) {
        try {
          Files.createFile(candidate);
          Files.move(source, candidate, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          return candidate;
        } catch (FileAlreadyExistsException taken) {
          // Another process took this name between the check and the create; try the next one.
        }
      }
      candidate = target.resolveSibling(base + "." + n + ext);
    }
  }

  private static void writeDurably(Path temp, byte[] content) throws IOException {
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
         OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
      out.write(content);
      out.flush();
      ch.force(true);
    }
  }

  /**
   * Makes renames in {@code dir} durable: without it a power loss shortly after a rename can bring back the
   * old name, although the file's data was flushed.
   */
  public static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** A hidden, unique temp name beside {@code target}; hidden so that folder watchers ignore it. */
  public static Path tempSibling(Path target) {
    String unique = Long.toHexString(ThreadLocalRandom.current().nextLong());
    return parentOf(target).resolve("." + target.getFileName() + "." + unique + ".tmp");
  }

  private static Path parentOf(Path target) {
    Path parent = target.toAbsolutePath().getParent();
    if (parent == null) {
      throw new IllegalArgumentException("no parent folder for " + target);
    }
    return parent;
  }
}
