package io.hypersdk.providers.azure;

import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobDownloadResponse;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.DownloadRetryOptions;
import com.azure.storage.blob.models.PageRange;
import com.azure.storage.blob.specialized.PageBlobClient;
import com.azure.storage.blob.specialized.SpecializedBlobClientBuilder;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import io.hypersdk.providers.download.DiskRange;
import io.hypersdk.providers.download.RangeReader;
import io.hypersdk.providers.download.RetryableReadException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads a snapshot's page blob through its read SAS with azure-storage-blob: the allocated page ranges, then each
 * range with its Content-MD5 (the service sends one for reads of up to 4 MiB). When the SAS has expired, a new
 * grant is asked for and the range is retried; the ranges already written stay.
 */
final class SnapshotBlobReader implements RangeReader {
  /** The largest read the service returns a range MD5 for. */
  static final long CHUNK = 4L << 20;
  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  private final Grants grants;
  private final String snapshotId;
  private final URI blobEndpoint;
  private volatile Grant grant;

  /** Gives a read SAS URL of a snapshot: a new grant each time (DiskSnapshots::grant). */
  @FunctionalInterface
  interface Grants {
    String grant(String snapshotId) throws ProviderException, InterruptedException;
  }

  /** Collects one range in an array of its size, handed over without the copy {@code toByteArray} makes. */
  private static final class RangeBuffer extends ByteArrayOutputStream {
    RangeBuffer(int size) {
      super(size);
    }

    byte[] bytes() {
      return count == buf.length ? buf : java.util.Arrays.copyOf(buf, count);
    }
  }

  /** A SAS URL, the client reading through it and when it expires ({@code se}). */
  private record Grant(PageBlobClient client, Instant expires) {}

  SnapshotBlobReader(Grants grants, String snapshotId, URI blobEndpoint) throws ProviderException,
      InterruptedException {
    this.grants = grants;
    this.snapshotId = snapshotId;
    this.blobEndpoint = blobEndpoint;
    this.grant = open(grants.grant(snapshotId));
  }

  /** The allocated page ranges, split into reads of at most {@link #CHUNK}; the rest of the disk is zeros. */
  List<DiskRange> ranges() throws ProviderException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      Grant g = grant;
      try {
        List<DiskRange> out = new ArrayList<>();
        for (PageRange p : g.client().getPageRanges(new BlobRange(0)).getPageRange()) {
          for (long o = p.getStart(); o <= p.getEnd(); o += CHUNK) {
            out.add(new DiskRange(o, Math.min(CHUNK, p.getEnd() + 1 - o)));
          }
        }
        return out;
      } catch (BlobStorageException e) {
        RetryableReadException r = failure(e, g, "Get Page Ranges");
        if (attempt >= 2) {
          throw new ProviderException(r.kind(), r.getMessage());
        }
      } catch (RuntimeException e) {
        throw new ProviderException(Kind.NETWORK, unreachable(e, "Get Page Ranges"), e);
      }
    }
  }

  @Override
  public Chunk read(DiskRange range, Earlier earlier) throws ProviderException, RetryableReadException {
    Grant g = grant;
    RangeBuffer out = new RangeBuffer((int) range.length());
    try {
      BlobDownloadResponse r = g.client().downloadStreamWithResponse(out, new BlobRange(range.offset(),
          range.length()), new DownloadRetryOptions().setMaxRetryRequests(0), null, range.length() <= CHUNK, TIMEOUT,
          Context.NONE);
      byte[] md5 = r.getDeserializedHeaders().getContentMd5();
      byte[] data = out.bytes();
      if (data.length != range.length()) {
        throw new RetryableReadException(Kind.NETWORK, "the blob service sent " + data.length + " of "
            + range.length() + " bytes", null);
      }
      return new Chunk(data, md5 == null ? null : Base64.getEncoder().encodeToString(md5));
    } catch (BlobStorageException e) {
      throw failure(e, g, "Get Blob");
    } catch (UncheckedIOException | IllegalStateException e) {
      throw new RetryableReadException(Kind.NETWORK, unreachable(e, "Get Blob"), e);
    } catch (RuntimeException e) {
      if (hasCause(e, IOException.class)) {
        throw new RetryableReadException(Kind.NETWORK, unreachable(e, "Get Blob"), e);
      }
      throw e;
    }
  }

  /**
   * A refused read: after the SAS expired, a new grant (then the caller retries); throttling and server errors are
   * retried; anything else fails the download.
   */
  private RetryableReadException failure(BlobStorageException e, Grant g, String call) throws ProviderException {
    int s = e.getStatusCode();
    if (s == 403 && !g.expires().isAfter(Instant.now().plusSeconds(30))) {
      regrant(g);
      return new RetryableReadException(Kind.EXPORT_FAILED, "the read SAS of " + snapshotId + " expired during "
          + call + "; a new grant was asked for", e);
    }
    String code = e.getErrorCode() == null ? "HTTP " + s : e.getErrorCode().toString();
    if (s == 429 || s >= 500) {
      return new RetryableReadException(Kind.NETWORK, call + " of " + snapshotId + " failed (" + code + ")", e);
    }
    if (s == 403) {
      throw new ProviderException(Kind.PERMISSION, "the blob service refused the read SAS of " + snapshotId + " ("
          + code + ") calling " + call + ": is the snapshot's network access restricted (networkAccessPolicy) or "
          + "--blob-endpoint wrong?");
    }
    throw new ProviderException(Kind.EXPORT_FAILED, call + " of " + snapshotId + " failed (" + code + "): "
        + AzureErrors.firstLine(e.getServiceMessage()));
  }

  private synchronized void regrant(Grant expired) throws ProviderException {
    if (grant != expired) {
      return;
    }
    try {
      grant = open(grants.grant(snapshotId));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(Kind.EXPORT_FAILED, "interrupted while asking for a new grant of " + snapshotId);
    }
  }

  private Grant open(String sas) throws ProviderException {
    URI u = URI.create(sas);
    if (blobEndpoint != null) {
      u = URI.create(blobEndpoint.getScheme() + "://" + blobEndpoint.getRawAuthority() + u.getRawPath()
          + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()));
    }
    PageBlobClient c = new SpecializedBlobClientBuilder().endpoint(u.toString())
        // RangedDownload retries each range itself, with its own backoff.
        .retryOptions(new RequestRetryOptions(RetryPolicyType.FIXED, 1, TIMEOUT, null, null, null))
        .buildPageBlobClient();
    return new Grant(c, expiry(u));
  }

  /** The {@code se} (signed expiry) of a SAS URL; without one, far away. */
  private static Instant expiry(URI sas) {
    String q = sas.getRawQuery() == null ? "" : sas.getRawQuery();
    for (String p : q.split("&")) {
      if (p.startsWith("se=")) {
        try {
          return Instant.parse(URLDecoder.decode(p.substring(3), StandardCharsets.UTF_8));
        } catch (java.time.format.DateTimeParseException e) {
          return Instant.MAX;
        }
      }
    }
    return Instant.MAX;
  }

  private String unreachable(Throwable e, String call) {
    Throwable c = e;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return "cannot reach the blob service calling " + call + " of " + snapshotId + ": "
        + (c.getMessage() == null ? c.getClass().getSimpleName() : AzureErrors.firstLine(c.getMessage()))
        + "; check the network, a proxy, or --blob-endpoint";
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
