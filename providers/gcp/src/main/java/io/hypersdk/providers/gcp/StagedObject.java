package io.hypersdk.providers.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import io.hypersdk.providers.download.DiskRange;
import io.hypersdk.providers.download.Downloaded;
import io.hypersdk.providers.download.RangeChecksum;
import io.hypersdk.providers.download.RangeJournal;
import io.hypersdk.providers.download.RangeReader;
import io.hypersdk.providers.download.RangedDownload;
import io.hypersdk.providers.download.RetryableReadException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.zip.CRC32C;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * One image the build staged in Cloud Storage, read into a local disk: every byte of the object is checked
 * against the object's CRC32C, the disk's SHA-256 is computed as it is written, and zero blocks stay holes. Every
 * object is read in parallel ranges by the shared {@link RangedDownload} (retried, resumable); an
 * {@code image.tar.gz} is read so into a local archive and then unpacked: its sparse {@code disk.raw} becomes the
 * raw disk.
 */
final class StagedObject {
  private static final int BLOCK = 1 << 20;
  /** The folder of the staging bucket the builds write to. */
  static final String PREFIX = "hypersdk-export/";
  /** One ranged read: large enough that a request's overhead is small, small enough for 32 at once in memory. */
  static final long RANGE_BYTES = 8L << 20;
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

  /**
   * Checks that the staging bucket exists by listing at most one object under the export's prefix: Cloud Storage
   * answers 404 to a listing only when the bucket itself is missing.
   */
  static void checkBucket(GcpApi api, GcpConfig config) throws ProviderException, InterruptedException {
    try {
      api.get(config.storage() + "/storage/v1/b/" + config.stagingBucket() + "/o?maxResults=1&prefix="
          + PREFIX, "storage.objects.list");
    } catch (ProviderException e) {
      if (e.kind() != Kind.NOT_FOUND) {
        throw e;
      }
      throw new ProviderException(Kind.ENVIRONMENT, "the staging bucket gs://" + config.stagingBucket()
          + " does not exist: create it in project " + config.project() + " (gcloud storage buckets create gs://"
          + config.stagingBucket() + ") or set --staging-bucket to an existing bucket", e);
    }
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

  /**
   * Reads the object into {@code target} in parallel ranges on {@code pool}, written as {@code .part} first and
   * renamed when verified. An image.tar.gz is read so into {@link #archiveOf} (kept until the whole export succeeds,
   * for a run again to resume from) and then unpacked: its sparse {@code disk.raw} becomes the raw disk.
   */
  Written download(Path target, ExportProgress progress, ExecutorService pool) throws ProviderException,
      InterruptedException {
    if (!name.endsWith(".tar.gz")) {
      Downloaded w = fetch(target, progress, pool);
      return new Written(w.path(), w.bytes(), w.sha256());
    }
    return unpack(fetch(archiveOf(target), progress, pool).path(), target);
  }

  /** Where the image.tar.gz of {@code disk} is downloaded before it is unpacked. */
  static Path archiveOf(Path disk) {
    return disk.resolveSibling(disk.getFileName() + ".tar.gz");
  }

  /** The files kept beside {@code disk} for a run again to resume from, which a finished export deletes. */
  static List<Path> resumeFiles(Path disk) {
    return List.of(RangeJournal.fileOf(disk), archiveOf(disk), RangeJournal.fileOf(archiveOf(disk)));
  }

  /** The whole object into {@code file}, every byte checked against the object's CRC32C. */
  private Downloaded fetch(Path file, ExportProgress progress, ExecutorService pool) throws ProviderException,
      InterruptedException {
    List<DiskRange> ranges = new ArrayList<>();
    for (long at = 0; at < size; at += RANGE_BYTES) {
      ranges.add(new DiskRange(at, Math.min(RANGE_BYTES, size - at)));
    }
    CRC32C crc = new CRC32C();
    // The source is the object's content, not its generation: a new export of an unchanged disk stages the same
    // bytes under a new name, and the ranges an interrupted run wrote are reused.
    RangedDownload d = RangedDownload.builder(pool, this::read, size).ranges(ranges).parallel(config.parallel())
        .progress(progress)
        // Cloud Storage sends no per-range checksum: the journal records each range's CRC32C, cheap to compute.
        .checksum(RangeChecksum.CRC32C_BASE64, "Cloud Storage").journal("gcs-ranges", RANGE_BYTES)
        .source("crc32c " + crc32c + " size " + size)
        .describe(r -> "bytes " + r.offset() + "-" + (r.end() - 1) + " of " + gsUri()).observer(crc::update)
        .skipZeroRanges(true).build();
    Downloaded w = d.to(file);
    String got = RangeChecksum.crc32cBase64(crc);
    if (crc32c != null && !crc32c.equals(got)) {
      try {
        Files.deleteIfExists(file);
        Files.deleteIfExists(RangeJournal.fileOf(file));
      } catch (IOException e) {
        // The message below says to run again; a leftover file is replaced then.
      }
      throw new ProviderException(Kind.EXPORT_FAILED, gsUri() + " does not match its CRC32C (" + crc32c + ", read "
          + got + "): the download was corrupted; run the export again");
    }
    return w;
  }

  /** One range of this generation of the object; a dropped connection or a 5xx may be tried again. */
  private RangeReader.Chunk read(DiskRange range, RangeReader.Earlier earlier) throws ProviderException,
      RetryableReadException, InterruptedException {
    if (earlier.intact()) {
      return RangeReader.Chunk.unchanged();
    }
    try {
      byte[] data = api.mediaRange(mediaUrl(), "bytes=" + range.offset() + "-" + (range.end() - 1),
          "storage.objects.get");
      if (data.length != range.length()) {
        throw new RetryableReadException(Kind.NETWORK, "storage.objects.get returned " + data.length + " bytes for "
            + range.length(), null);
      }
      return new RangeReader.Chunk(data, null);
    } catch (GcpApi.TransientFailure e) {
      throw new RetryableReadException(e);
    }
  }

  /** Unpacks the verified {@code archive} into {@code target} ({@code .part} first, renamed when complete). */
  private Written unpack(Path archive, Path target) throws ProviderException, InterruptedException {
    Path part = target.resolveSibling(target.getFileName() + ".part");
    Written w;
    try (InputStream in = Files.newInputStream(archive)) {
      w = unpackRaw(in, part);
      Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(part);
      } catch (IOException ignored) {
        // A leftover .part is never taken for a disk; a run again replaces it.
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("unpacking " + archive + " interrupted");
      }
      throw new ProviderException(Kind.EXPORT_FAILED, "cannot unpack " + archive + " (" + gsUri() + ") into "
          + target + ": " + GcpApi.rootMessage(e) + (e instanceof BadArchive ? "" : "; check the free space of "
          + "--output and run the export again"), e);
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
        // A hole is read from memory, not a channel that an interrupt would close: Ctrl-C is looked for here.
        if (Thread.currentThread().isInterrupted()) {
          throw new java.io.InterruptedIOException("interrupted");
        }
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
}
