package io.hypersdk.providers.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypersdk.providers.ProviderException.Kind;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.download.SocketHttpGet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Google's JSON REST APIs (Compute, Cloud Build, Cloud Storage) over one HTTP client with bearer tokens. Reads
 * and deletes are retried with backoff on 5xx, 429 and dropped connections; a failure becomes one line naming the
 * IAM permission of the call, and its kind decides the exit code.
 */
final class GcpApi {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final int ATTEMPTS = 4;
  private static final Pattern REQUIRED = Pattern.compile("Required '([a-zA-Z0-9.]+)' permission");
  private static final Set<String> QUOTA_REASONS = Set.of("quotaExceeded", "rateLimitExceeded",
      "userRateLimitExceeded", "QUOTA_EXCEEDED", "RESOURCE_EXHAUSTED");
  private final HttpClient http;
  private final AccessTokens tokens;

  GcpApi(HttpClient http, AccessTokens tokens) {
    this.http = http;
    this.tokens = tokens;
  }

  JsonNode get(String url, String permission) throws ProviderException, InterruptedException {
    return call("GET", url, null, permission);
  }

  JsonNode post(String url, Object body, String permission) throws ProviderException, InterruptedException {
    return call("POST", url, body, permission);
  }

  JsonNode delete(String url, String permission) throws ProviderException, InterruptedException {
    return call("DELETE", url, null, permission);
  }

  /** A small text object's content (a build log), read whole; a failure is one line naming the permission. */
  String text(String url, String permission) throws ProviderException, InterruptedException {
    HttpResponse<String> r;
    try {
      r = http.send(request(url).GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw network(url, permission, e);
    }
    if (r.statusCode() / 100 != 2) {
      throw error(r.statusCode(), r.body(), permission);
    }
    return r.body();
  }

  /**
   * One range of a media object, read whole into memory over a socket of its own ({@link SocketHttpGet}:
   * {@code java.net.http} moved these bodies at a third of curl's speed in bench/gcp-export.sh). A failure another
   * attempt may fix is a {@link TransientFailure}.
   */
  byte[] mediaRange(String url, String range, String permission) throws ProviderException, InterruptedException {
    Map<String, String> headers = Map.of("Authorization", "Bearer " + tokens.token(), "Range", range);
    try (SocketHttpGet get = SocketHttpGet.prepare(URI.create(url), headers, null, Duration.ofSeconds(20),
        Duration.ofMinutes(2))) {
      int status = get.status();
      long length = get.contentLength();
      byte[] body;
      if (status / 100 != 2) {
        body = get.body().readNBytes(64 * 1024);
      } else if (length >= 0 && length <= Integer.MAX_VALUE) {
        // Into one array of the range's size: reads larger than the stream's buffer go from the socket straight
        // into it (readNBytes(int) reads 8 KiB at a time and copies each twice: the exporter's top CPU in a JFR
        // profile of bench/gcp-export.sh).
        body = new byte[(int) length];
        int n = get.body().readNBytes(body, 0, body.length);
        if (n < body.length) {
          body = Arrays.copyOf(body, n);
        }
      } else {
        body = get.body().readAllBytes();
      }
      if (status / 100 != 2) {
        ProviderException e = error(status, new String(body, StandardCharsets.UTF_8), permission);
        throw status >= 500 || status == 429 ? new TransientFailure(e) : e;
      }
      return body;
    } catch (IOException e) {
      if (Thread.interrupted()) {
        throw new InterruptedException("reading " + range + " of " + url + " interrupted");
      }
      throw new TransientFailure(network(url, permission, e));
    }
  }

  private JsonNode call(String method, String url, Object body, String permission) throws ProviderException,
      InterruptedException {
    boolean idempotent = !method.equals("POST");
    long backoff = 200;
    for (int attempt = 1; ; attempt++) {
      HttpRequest.Builder b = request(url);
      if (body != null) {
        b.header("Content-Type", "application/json");
        try {
          b.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      } else {
        b.method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("")
            : HttpRequest.BodyPublishers.noBody());
      }
      ProviderException failure;
      try {
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 == 2) {
          return r.body() == null || r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        }
        failure = error(r.statusCode(), r.body(), permission);
        if (!(r.statusCode() >= 500 || r.statusCode() == 429) || !idempotent) {
          throw failure;
        }
      } catch (IOException e) {
        failure = network(url, permission, e);
      }
      if (attempt == ATTEMPTS) {
        throw failure;
      }
      Thread.sleep(backoff);
      backoff *= 2;
    }
  }

  private HttpRequest.Builder request(String url) throws ProviderException {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2))
        .header("Authorization", "Bearer " + tokens.token());
  }

  /**
   * Google's error document ({@code {"error":{"code","message","status","errors":[{"reason"}]}}}) as one line:
   * 401 refused credentials, 403 a missing permission (named) or a quota, 404 not found.
   */
  ProviderException error(int status, String body, String permission) {
    JsonNode e;
    try {
      e = JSON.readTree(body == null || body.isBlank() ? "{}" : body).path("error");
    } catch (IOException x) {
      e = JSON.createObjectNode();
    }
    String message = firstLine(e.path("message").asText("HTTP " + status));
    String reason = e.path("errors").path(0).path("reason").asText(e.path("status").asText(""));
    if (status == 401) {
      return new ProviderException(Kind.CREDENTIALS, "Google refused the credentials of " + tokens.shown()
          + " calling " + permission + " (" + message + "): check --credentials-file or GOOGLE_APPLICATION_CREDENTIALS");
    }
    if (status == 429 || QUOTA_REASONS.contains(reason)) {
      return new ProviderException(Kind.QUOTA, permission + " refused: a quota of the project was reached (" + message
          + "); delete unused snapshots and images or ask for a higher quota (IAM & Admin > Quotas)");
    }
    if (status == 403) {
      Matcher m = REQUIRED.matcher(message);
      String needed = m.find() ? m.group(1) : permission;
      return new ProviderException(Kind.PERMISSION, "not allowed: the credentials of " + tokens.shown() + " lack "
          + "the permission " + needed + " (" + message + "); grant a role that has it (docs/CONFIGURATION.md "
          + "lists the minimal role)");
    }
    if (status == 404) {
      return new ProviderException(Kind.NOT_FOUND, permission + " found nothing: " + message);
    }
    return new ProviderException(Kind.EXPORT_FAILED, permission + " failed (HTTP " + status
        + (reason.isEmpty() ? "" : " " + reason) + "): " + message);
  }

  ProviderException network(String url, String permission, IOException e) {
    return new ProviderException(Kind.NETWORK, "cannot reach " + URI.create(url).getHost() + " calling " + permission
        + ": " + rootMessage(e) + "; check the network, a proxy, or the --compute-endpoint, --storage-endpoint and "
        + "--cloudbuild-endpoint settings", e);
  }

  /** A failure another attempt may fix: a dropped connection, a 5xx, throttling (429). */
  static final class TransientFailure extends ProviderException {
    private static final long serialVersionUID = 1L;

    TransientFailure(ProviderException e) {
      super(e.kind(), e.getMessage(), e.getCause());
    }
  }

  static String firstLine(String s) {
    if (s == null) {
      return "no detail";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }

  /** The innermost cause's message ("Connection reset"), else its class name without "Exception". */
  static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return c.getMessage() != null ? firstLine(c.getMessage())
        : c.getClass().getSimpleName().replaceFirst("Exception$", "").toLowerCase(Locale.ROOT);
  }
}
