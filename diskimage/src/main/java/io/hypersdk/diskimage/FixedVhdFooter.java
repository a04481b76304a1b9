package io.hypersdk.diskimage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Reads a fixed VHD file's footer ahead of the single pass, for the one field needed up front: the size. */
final class FixedVhdFooter {
  private FixedVhdFooter() {}

  /**
   * The footer's current size, or -1 if the file has no usable footer (the pass that follows reports exactly
   * what is wrong with it).
   */
  static long currentSize(Path vhd, long length) throws IOException {
    if (length < FixedVhdReader.FOOTER) {
      return -1;
    }
    ByteBuffer b = ByteBuffer.allocate(FixedVhdReader.FOOTER);
    try (FileChannel ch = FileChannel.open(vhd, StandardOpenOption.READ)) {
      while (b.hasRemaining() && ch.read(b, length - FixedVhdReader.FOOTER + b.position()) > 0) {
        // keep reading: a positional read may return fewer bytes
      }
    }
    byte[] f = b.array();
    boolean valid = "conectix".equals(new String(f, 0, 8, StandardCharsets.ISO_8859_1))
        && b.getInt(64) == FixedVhdReader.checksum(f) && b.getLong(48) >= 0
        && b.getLong(48) <= length - FixedVhdReader.FOOTER;
    return valid ? b.getLong(48) : -1;
  }
}
