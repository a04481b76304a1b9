package io.hypersdk.providers.azure;

import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobStorageException;
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
import io.hypersdk.providers.download.SocketHttpGet;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a snapshot's page blob through its read SAS: the allocated page ranges with azure-storage-blob, then each
 * range with its Content-MD5 (the service sends one for reads of up to 4 MiB) as a plain GET on a socket of its
 * own ({@link SocketHttpGet}), which moves the data faster than the SDK's download path and lets a range an
 * earlier run wrote be kept once its MD5 is seen, before the body is read. When the SAS has expired, a new grant
 * is asked for and the range is retried; the ranges already written stay.
 */
final class SnapshotBlobReader implements RangeReader {
  /** The largest read the service returns a range MD5 for. */
  static final long CHUNK = 4L << 20;
  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
  /** A Blob service version that returns range MD5s; Azurite is run with --skipApiVersionCheck. */
  private static final String API_VERSION = "2021-08-06";
  private static final Pattern ERROR_MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");
  private final Grants grants;
  private final String snapshotId;
  private final URI blobEndpoint;
  private volatile Grant grant;

  /** Gives a read SAS URL of a snapshot: a new grant each time (DiskSnapshots::grant). */
  @FunctionalInterface
  interface Grants {
    String grant(String snapshotId) throws ProviderException, InterruptedException;
  }

  /** A SAS URL, the client reading through it and when it expires ({@code se}). */
  private record Grant(URI url, PageBlobClient client, Instant expires) {}

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
  public Chunk read(DiskRange range, Earlier earlier) throws ProviderException, RetryableReadException,
      InterruptedException {
    Grant g = grant;
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("x-ms-version", API_VERSION);
    headers.put("x-ms-range", "bytes=" + range.offset() + "-" + (range.end() - 1));
    if (range.length() <= CHUNK) {
      headers.put("x-ms-range-get-content-md5", "true");
    }
    try (SocketHttpGet get = SocketHttpGet.prepare(g.url(), headers, null, CONNECT_TIMEOUT, TIMEOUT)) {
      int status = get.status();
      if (status / 100 != 2) {
        String body = new String(get.body().readNBytes(4096), StandardCharsets.UTF_8);
        Matcher m = ERROR_MESSAGE.matcher(body);
        throw failure(status, get.header("x-ms-error-code").orElse(null), m.find() ? m.group(1) : body, g,
            "Get Blob");
      }
      String md5 = get.header("Content-MD5").orElse(null);
      if (md5 != null && earlier.holds(md5)) {
        // The earlier run's bytes have the MD5 the service sends now: the body is dropped unread.
        return Chunk.unchanged();
      }
      // Straight into the range's array: reads this large bypass the stream's buffer, so each byte is copied once.
      byte[] data = new byte[(int) range.length()];
      int n = get.body().readNBytes(data, 0, data.length);
      if (n != data.length) {
        throw new RetryableReadException(Kind.NETWORK, "the blob service sent " + n + " of " + range.length()
            + " bytes", null);
      }
      return new Chunk(data, md5);
    } catch (IOException e) {
      if (Thread.interrupted()) {
        throw new InterruptedException("reading " + range + " of " + snapshotId + " interrupted");
      }
      throw new RetryableReadException(Kind.NETWORK, unreachable(e, "Get Blob"), e);
    }
  }

  /**
   * A refused read: after the SAS expired, a new grant (then the caller retries); throttling and server errors are
   * retried; anything else fails the download.
   */
  private RetryableReadException failure(BlobStorageException e, Grant g, String call) throws ProviderException {
    return failure(e.getStatusCode(), e.getErrorCode() == null ? null : e.getErrorCode().toString(),
        e.getServiceMessage(), g, call);
  }

  private RetryableReadException failure(int s, String errorCode, String serviceMessage, Grant g, String call)
      throws ProviderException {
    if (s == 403 && !g.expires().isAfter(Instant.now().plusSeconds(30))) {
      regrant(g);
      return new RetryableReadException(Kind.EXPORT_FAILED, "the read SAS of " + snapshotId + " expired during "
          + call + "; a new grant was asked for", null);
    }
    String code = errorCode == null ? "HTTP " + s : errorCode;
    if (s == 429 || s >= 500) {
      return new RetryableReadException(Kind.NETWORK, call + " of " + snapshotId + " failed (" + code + ")", null);
    }
    if (s == 403) {
      throw new ProviderException(Kind.PERMISSION, "the blob service refused the read SAS of " + snapshotId + " ("
          + code + ") calling " + call + ": is the snapshot's network access restricted (networkAccessPolicy) or "
          + "--blob-endpoint wrong?");
    }
    throw new ProviderException(Kind.EXPORT_FAILED, call + " of " + snapshotId + " failed (" + code + "): "
        + AzureErrors.firstLine(serviceMessage));
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
    return new Grant(u, c, expiry(u));
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
}
