package io.hypersdk.diskimage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.Optional;

/** A source image format the native converter reads; every other format is left to qemu-img. */
public enum SourceFormat {
  /** VMDK sparse extent with compressed grains and markers (vSphere export, OVA). */
  VMDK_STREAM_OPTIMIZED("vmdk", "streamOptimized VMDK"),
  /** VMDK hosted sparse extent with its descriptor embedded (AWS export tasks, VMware Workstation). */
  VMDK_MONOLITHIC_SPARSE("vmdk", "monolithicSparse VMDK"),
  /** A plain disk image (EBS, GCP). */
  RAW("raw", "raw"),
  /** A fixed VHD: the disk's bytes followed by a 512-byte footer (Azure). */
  VHD_FIXED("vpc", "fixed VHD");

  private final String qemuName;
  private final String description;

  SourceFormat(String qemuName, String description) {
    this.qemuName = qemuName;
    this.description = description;
  }

  /** How messages name the format: "streamOptimized VMDK", "fixed VHD", ... */
  public String description() {
    return description;
  }

  /** The name qemu-img uses for this format ({@code -f}). */
  public String qemuName() {
    return qemuName;
  }

  /**
   * Probes a file's first and last bytes. Empty when the file is in a format the native converter does not
   * read (VHDX, dynamic VHD, VDI, qcow2, split or flat VMDK descriptors, ...). Raw is never guessed: a file
   * that is nothing else is only raw if the caller says so.
   */
  public static Optional<SourceFormat> detect(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long length = ch.size();
      if (length < 512) {
        return Optional.empty();
      }
      ByteBuffer first = readAt(ch, 0);
      if (first.order(ByteOrder.LITTLE_ENDIAN).getInt(0) == VmdkHeader.MAGIC) {
        int flags = first.getInt(8);
        boolean compressed = (flags & VmdkHeader.FLAG_COMPRESSED) != 0;
        boolean markers = (flags & VmdkHeader.FLAG_MARKERS) != 0;
        if (compressed && markers) {
          return Optional.of(VMDK_STREAM_OPTIMIZED);
        }
        return compressed ? Optional.empty() : Optional.of(VMDK_MONOLITHIC_SPARSE);
      }
      if (isVhdCookie(first)) {
        return Optional.empty(); // a footer copy at the start: dynamic or differencing VHD
      }
      ByteBuffer last = readAt(ch, length - 512);
      if (isVhdCookie(last) && last.order(ByteOrder.BIG_ENDIAN).getInt(60) == 2) {
        return Optional.of(VHD_FIXED);
      }
      return Optional.empty();
    }
  }

  private static boolean isVhdCookie(ByteBuffer b) {
    return "conectix".equals(new String(b.array(), 0, 8, StandardCharsets.ISO_8859_1));
  }

  private static ByteBuffer readAt(FileChannel ch, long position) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(512);
    while (b.hasRemaining() && ch.read(b, position + b.position()) > 0) {
      // a positional read may return fewer bytes than asked
    }
    return b.clear();
  }
}
