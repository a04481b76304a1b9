package io.hypersdk.convert.qemu;

import io.hypersdk.convert.ConversionException;
import io.hypersdk.convert.ConversionException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The 512-byte VHD footer: where the disk's true size ({@code current_size}) is written. Read before qemu-img
 * sees the file because qemu sizes some VHDs from their CHS geometry instead, which cuts the end off an Azure
 * disk, and because a damaged footer must stop the conversion rather than yield a wrong-sized disk.
 */
public record VhdFooter(String creatorApp, long currentSize, int diskType) {
  /** Footer length, and the checksum field's offset within it. */
  static final int SIZE = 512;
  private static final int CHECKSUM_AT = 64;
  /** Disk types from the VHD specification. */
  public static final int FIXED = 2;

  /**
   * Reads and verifies the footer of {@code vhd}: the copy at offset 0 for dynamic and differencing disks (as
   * qemu reads it), otherwise the last 512 bytes.
   */
  public static VhdFooter read(Path vhd) throws ConversionException {
    try (FileChannel ch = FileChannel.open(vhd, StandardOpenOption.READ)) {
      long length = ch.size();
      if (length < SIZE) {
        throw refused(vhd, "it is " + length + " bytes long, shorter than a VHD footer");
      }
      ByteBuffer footer = readAt(ch, 0);
      if (!hasCookie(footer)) {
        footer = readAt(ch, length - SIZE);
      }
      if (!hasCookie(footer)) {
        throw refused(vhd, "it has no VHD footer (no \"conectix\" cookie at its start or end)");
      }
      int stored = footer.getInt(CHECKSUM_AT);
      int computed = checksum(footer);
      if (stored != computed) {
        throw refused(vhd, String.format("its VHD footer checksum is wrong (stored 0x%08x, computed 0x%08x); the "
            + "file is damaged or was cut short", stored, computed));
      }
      String creator = new String(footer.array(), 28, 4, StandardCharsets.ISO_8859_1);
      VhdFooter f = new VhdFooter(creator, footer.getLong(48), footer.getInt(60));
      if (f.diskType() == FIXED && length - SIZE < f.currentSize()) {
        throw refused(vhd, "its VHD footer declares " + f.currentSize() + " bytes but the file holds only "
            + (length - SIZE) + " bytes of disk data; the download was cut short");
      }
      return f;
    } catch (IOException e) {
      throw new ConversionException(Kind.CONVERSION, "cannot read " + vhd + ": " + e.getMessage());
    }
  }

  /** The VHD checksum: the one's complement of the byte sum of the footer without its checksum field. */
  public static int checksum(ByteBuffer footer) {
    int sum = 0;
    for (int i = 0; i < SIZE; i++) {
      if (i < CHECKSUM_AT || i >= CHECKSUM_AT + 4) {
        sum += footer.get(i) & 0xff;
      }
    }
    return ~sum;
  }

  private static boolean hasCookie(ByteBuffer footer) {
    return "conectix".equals(new String(footer.array(), 0, 8, StandardCharsets.ISO_8859_1));
  }

  private static ByteBuffer readAt(FileChannel ch, long position) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    while (b.hasRemaining()) {
      if (ch.read(b, position + b.position()) < 0) {
        break;
      }
    }
    return b.clear();
  }

  private static ConversionException refused(Path vhd, String why) {
    return new ConversionException(Kind.CONVERSION, "refusing " + vhd + ": " + why);
  }
}
