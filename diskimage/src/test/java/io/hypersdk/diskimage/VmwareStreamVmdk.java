package io.hypersdk.diskimage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;

/**
 * Writes a streamOptimized VMDK the way vSphere's export (NFC) delivers it, which qemu-img does not make: the
 * header says "grain directory at end", grains with markers, then grain tables, grain directory and footer as
 * metadata markers, then an end-of-stream marker.
 */
final class VmwareStreamVmdk {
  private static final int GRAIN_SECTORS = 128;
  private static final int GTES = 512;
  private static final int OVERHEAD = 128;

  private VmwareStreamVmdk() {}

  static Path write(byte[] disk, Path target) throws IOException {
    long capacity = (disk.length + 511) / 512;
    int grainBytes = GRAIN_SECTORS * 512;
    int grains = (int) ((capacity + GRAIN_SECTORS - 1) / GRAIN_SECTORS);
    int tables = (grains + GTES - 1) / GTES;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(header(capacity, VmdkHeader.GD_AT_END));
    byte[] descriptor = new byte[(OVERHEAD - 1) * 512];
    byte[] text = ("# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\n"
        + "createType=\"streamOptimized\"\n\n# Extent description\nRW " + capacity + " SPARSE \"disk.vmdk\"\n\n"
        + "ddb.virtualHWVersion = \"14\"\nddb.adapterType = \"lsilogic\"\n").getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(text, 0, descriptor, 0, text.length);
    out.write(descriptor);
    int[] gt = new int[tables * GTES];
    for (int g = 0; g < grains; g++) {
      int from = g * grainBytes;
      int len = Math.min(grainBytes, disk.length - from);
      if (isZero(disk, from, len)) {
        continue;
      }
      gt[g] = out.size() / 512;
      byte[] z = deflate(disk, from, len);
      ByteBuffer m = le(12).putLong((long) g * GRAIN_SECTORS).putInt(z.length);
      out.write(m.array());
      out.write(z);
      pad(out);
    }
    int[] gd = new int[tables];
    for (int t = 0; t < tables; t++) {
      out.write(metaMarker(GTES * 4 / 512, 1));
      gd[t] = out.size() / 512;
      ByteBuffer b = le(GTES * 4);
      for (int e = 0; e < GTES; e++) {
        b.putInt(gt[t * GTES + e]);
      }
      out.write(b.array());
    }
    int gdSectors = (tables * 4 + 511) / 512;
    out.write(metaMarker(gdSectors, 2));
    long gdAt = out.size() / 512;
    ByteBuffer b = le(gdSectors * 512);
    for (int v : gd) {
      b.putInt(v);
    }
    out.write(b.array());
    out.write(metaMarker(1, 3));
    out.write(header(capacity, gdAt));
    out.write(metaMarker(0, 0));
    Files.write(target, out.toByteArray());
    return target;
  }

  private static byte[] header(long capacity, long gdOffset) {
    ByteBuffer h = le(512);
    h.putInt(VmdkHeader.MAGIC).putInt(3).putInt(0x30001).putLong(capacity).putLong(GRAIN_SECTORS)
        .putLong(1).putLong(OVERHEAD - 1).putInt(GTES).putLong(0).putLong(gdOffset).putLong(OVERHEAD)
        .put((byte) 0).put((byte) '\n').put((byte) ' ').put((byte) '\r').put((byte) '\n').putShort((short) 1);
    return h.array();
  }

  private static byte[] metaMarker(long sectors, int type) {
    return le(512).putLong(sectors).putInt(0).putInt(type).array();
  }

  private static byte[] deflate(byte[] b, int from, int len) {
    Deflater d = new Deflater();
    d.setInput(b, from, len);
    d.finish();
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    byte[] buf = new byte[65536];
    while (!d.finished()) {
      z.write(buf, 0, d.deflate(buf));
    }
    d.end();
    return z.toByteArray();
  }

  private static void pad(ByteArrayOutputStream out) {
    while (out.size() % 512 != 0) {
      out.write(0);
    }
  }

  private static boolean isZero(byte[] b, int from, int len) {
    for (int i = from; i < from + len; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }
}
