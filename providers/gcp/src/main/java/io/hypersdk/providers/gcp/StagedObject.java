package io.hypersdk.providers.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.zip.CRC32C;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * One image the build staged in Cloud Storage, read into a local disk: every byte of the object is checked
 * against the object's CRC32C, the disk's SHA-256 is computed as it is written, and zero blocks stay holes.
 * An {@code image.tar.gz} is unpacked while it streams: its sparse {@code disk.raw} becomes the raw disk.
 */
final class StagedObject {
  private static final int BLOCK = 1 << 20;
  private final GcpApi api;
  private final GcpConfig config;
  private final String name;
  private final long size;
  private final String crc32c;
  private final long generation;

  /** What was written: the disk, its size and "sha256:HEX". */
  record Written(Path path, long bytes, String sha256) {}

  private StagedObject(GcpApi api, GcpConfig config, String name, JsonNode meta) {
    this.api = api;
    this.config = config;
    this.name = name;
    this.size = meta.path("size").asLong();
    this.crc32c = meta.path("crc32c").asText(null);
    this.generation = meta.path("generation").asLong();
  }

  /** The staged object {@code name} of the staging bucket, with its size, CRC32C and generation. */
  static StagedObject stat(GcpApi api, GcpConfig config, String name) throws ProviderException,
      InterruptedException {
    return new StagedObject(api, config, name, api.get(url(config, name), "storage.objects.get"));
  }

  long size() {
    return size;
  }

  String gsUri() {
    return "gs://" + config.stagingBucket() + "/" + name;
  }

  private static String url(GcpConfig config, String name) {
    return config.storage() + "/storage/v1/b/" + config.stagingBucket() + "/o/"
        + URLEncoder.encode(name, StandardCharsets.UTF_8);
  }

  /** The media URL of this generation: a rewrite of the object meanwhile is not mixed in. */
  String mediaUrl() {
    return url(config, name) + "?alt=media&generation=" + generation;
  }

  /** Reads the whole object in order into {@code target} ({@code .part} first, renamed when verified). */
  Written download(Path target, ExportProgress progress) throws ProviderException, InterruptedException {
    Path part = target.resolveSibling(target.getFileName() + ".part");
    CRC32C crc = new CRC32C();
    Written w;
    HttpResponse<InputStream> r = api.media(mediaUrl(), null, "storage.objects.get");
    try (InputStream body = r.body(); InputStream in = new Checked(body, crc, progress)) {
      w = name.endsWith(".tar.gz") ? unpackRaw(in, part) : copy(in, part);
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("download of " + gsUri() + " interrupted");
      }
      throw new ProviderException(e instanceof BadArchive ? Kind.EXPORT_FAILED : Kind.NETWORK, "reading "
          + gsUri() + " failed: " + GcpApi.rootMessage(e) + (e instanceof BadArchive ? ""
          : "; check the network and run the export again"), e);
    }
    String got = Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    if (crc32c != null && !crc32c.equals(got)) {
      throw new ProviderException(Kind.EXPORT_FAILED, gsUri() + " does not match its CRC32C (" + crc32c + ", read "
          + got + "): the download was corrupted; run the export again");
    }
    try {
      Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ProviderException(Kind.EXPORT_FAILED, "cannot rename " + part + " to " + target + ": "
          + e.getMessage(), e);
    }
    return new Written(target, w.bytes(), w.sha256());
  }

  /** The tar's {@code disk.raw} (a sparse GNU entry) as a sparse raw file; holes read as zeros and stay holes. */
  private static Written unpackRaw(InputStream in, Path part) throws IOException {
    // commons-compress reads sparse entries only from a buffered gzip stream.
    TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(
        new BufferedInputStream(in, BLOCK)));
    for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
      if (e.getName().equals("disk.raw") || e.getName().endsWith("/disk.raw")) {
        Written w = copy(tar, part);
        if (w.bytes() != e.getRealSize()) {
          throw new BadArchive("disk.raw ends after " + w.bytes() + " of " + e.getRealSize() + " bytes");
        }
        tar.transferTo(java.io.OutputStream.nullOutputStream());
        return w;
      }
    }
    throw new BadArchive("the image-export archive holds no disk.raw");
  }

  /** Copies {@code in} to {@code file}, skipping all-zero blocks (holes), hashing every byte. */
  private static Written copy(InputStream in, Path file) throws IOException {
    MessageDigest sha = sha256();
    byte[] buf = new byte[BLOCK];
    long pos = 0;
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      int n;
      while ((n = in.readNBytes(buf, 0, BLOCK)) > 0) {
        sha.update(buf, 0, n);
        if (!zero(buf, n)) {
          ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
          long at = pos;
          while (b.hasRemaining()) {
            at += out.write(b, at);
          }
        }
        pos += n;
      }
      out.truncate(pos);
      if (out.size() < pos) {
        // A disk ending in zeros: set its size without writing them.
        out.write(ByteBuffer.allocate(1), pos - 1);
      }
      out.force(true);
    }
    return new Written(file, pos, "sha256:" + HexFormat.of().formatHex(sha.digest()));
  }

  private static boolean zero(byte[] b, int n) {
    for (int i = 0; i < n; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The archive is not what the image-export builder writes. */
  private static final class BadArchive extends IOException {
    private static final long serialVersionUID = 1L;

    BadArchive(String message) {
      super(message);
    }
  }

  /** Feeds every byte read to the CRC32C and the progress, in the object's order. */
  private static final class Checked extends FilterInputStream {
    private final CRC32C crc;
    private final ExportProgress progress;

    Checked(InputStream in, CRC32C crc, ExportProgress progress) {
      super(in);
      this.crc = crc;
      this.progress = progress;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        crc.update(b);
        progress.advance(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (Thread.currentThread().isInterrupted()) {
        throw new java.io.InterruptedIOException("interrupted");
      }
      int n = super.read(b, off, len);
      if (n > 0) {
        crc.update(b, off, n);
        progress.advance(n);
      }
      return n;
    }
  }
}
