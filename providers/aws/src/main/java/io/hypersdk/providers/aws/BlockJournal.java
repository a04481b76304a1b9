package io.hypersdk.providers.aws;

import io.hypersdk.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The blocks of one disk file that are on disk and flushed, each with the SHA-256 EBS sent for it. It lives
 * beside the disk file ({@code FILE.blocks}) and is rewritten atomically, so an export run again after an
 * interruption can reuse those blocks once they are verified.
 */
final class BlockJournal {
  private static final String HEADER = "hypersdk-ebs-blocks v1";
  private final Path file;
  private final int blockSize;
  private final long volumeBytes;
  private final Map<Integer, String> checksums = new ConcurrentHashMap<>();

  private BlockJournal(Path file, int blockSize, long volumeBytes) {
    this.file = file;
    this.blockSize = blockSize;
    this.volumeBytes = volumeBytes;
  }

  /** The journal of {@code disk}. */
  static Path fileOf(Path disk) {
    return disk.resolveSibling(disk.getFileName() + ".blocks");
  }

  /**
   * The journal kept for {@code disk}, or an empty one when there is none, it cannot be read, or it was written for
   * another block size or volume size (then the blocks on disk are not reused).
   */
  static BlockJournal load(Path disk, int blockSize, long volumeBytes) {
    BlockJournal j = new BlockJournal(fileOf(disk), blockSize, volumeBytes);
    if (!Files.isRegularFile(j.file) || !Files.isRegularFile(disk)) {
      return j;
    }
    try {
      List<String> lines = Files.readAllLines(j.file, StandardCharsets.UTF_8);
      if (lines.isEmpty() || !lines.get(0).equals(j.header())) {
        return j;
      }
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(" ");
        if (f.length == 2) {
          j.checksums.put(Integer.parseInt(f[0]), f[1]);
        }
      }
    } catch (IOException | NumberFormatException e) {
      j.checksums.clear();
    }
    return j;
  }

  /** The checksum EBS sent for {@code index} when it was written, or null if the block is not on disk. */
  String checksum(int index) {
    return checksums.get(index);
  }

  int size() {
    return checksums.size();
  }

  /** Records a block as written; it counts once {@link #save} ran after the data was flushed. */
  void add(int index, String checksum) {
    checksums.put(index, checksum);
  }

  void save() throws IOException {
    StringBuilder text = new StringBuilder(header()).append('\n');
    checksums.forEach((i, c) -> text.append(i).append(' ').append(c).append('\n'));
    AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
  }

  void delete() throws IOException {
    Files.deleteIfExists(file);
  }

  /** Moves the journal along with its disk file. */
  void renameTo(Path disk) throws IOException {
    if (Files.exists(file)) {
      AtomicFiles.move(file, fileOf(disk));
    }
  }

  private String header() {
    return HEADER + " " + blockSize + " " + volumeBytes;
  }
}
