package io.hypersdk.providers.download;

import io.hypersdk.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ranges of one disk file that are on disk and flushed, each with its checksum. It lives beside the disk file
 * ({@code FILE.blocks}) and is rewritten atomically, so a download run again after an interruption can reuse those
 * ranges once they are verified. The header names the journal's kind, its unit (range offsets are written in
 * units), the disk size and the source, so a journal of another layout or source is never trusted.
 */
public final class RangeJournal {
  private final Path file;
  private final String header;
  private final long unit;
  private final Map<Long, Entry> entries = new ConcurrentHashMap<>();

  /** One recorded range. */
  private record Entry(long length, String checksum) {}

  private RangeJournal(Path file, String header, long unit) {
    this.file = file;
    this.header = header;
    this.unit = unit;
  }

  /** The journal of {@code disk}. */
  public static Path fileOf(Path disk) {
    return disk.resolveSibling(disk.getFileName() + ".blocks");
  }

  /**
   * The journal kept for {@code disk}, or an empty one when there is none, it cannot be read, or its header differs
   * (another kind, unit, size or source: then the bytes on disk are not reused).
   */
  static RangeJournal load(Path disk, String header, long unit) {
    RangeJournal j = new RangeJournal(fileOf(disk), header, unit);
    if (!Files.isRegularFile(j.file) || !Files.isRegularFile(disk)) {
      return j;
    }
    try {
      List<String> lines = Files.readAllLines(j.file, StandardCharsets.UTF_8);
      if (lines.isEmpty() || !lines.get(0).equals(header)) {
        return j;
      }
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(" ");
        if (f.length == 3) {
          j.entries.put(Long.parseLong(f[0]) * unit, new Entry(Long.parseLong(f[1]), f[2]));
        }
      }
    } catch (IOException | NumberFormatException e) {
      j.entries.clear();
    }
    return j;
  }

  /** The checksum recorded for exactly {@code range}, or null if it is not on disk. */
  String checksum(DiskRange range) {
    Entry e = entries.get(range.offset());
    return e == null || e.length() != range.length() ? null : e.checksum();
  }

  int size() {
    return entries.size();
  }

  /** Records a range as written; it counts once {@link #save} ran after the data was flushed. */
  void add(DiskRange range, String checksum) {
    entries.put(range.offset(), new Entry(range.length(), checksum));
  }

  void save() throws IOException {
    StringBuilder text = new StringBuilder(header).append('\n');
    entries.forEach((offset, e) -> text.append(offset / unit).append(' ').append(e.length()).append(' ')
        .append(e.checksum()).append('\n'));
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
}
