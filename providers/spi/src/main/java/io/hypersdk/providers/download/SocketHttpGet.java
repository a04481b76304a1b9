package io.hypersdk.providers.download;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One download: an HTTP/1.1 GET on a socket of its own, for disk data (vSphere NFC, cloud object ranges). API
 * calls use {@code java.net.http}; disk data does not, for two reasons measured here: that client hands a body
 * over in 16 KiB buffers through a queue, which read at a quarter of curl's speed in the bench (bench/README.md,
 * vsphere-export), and {@code HttpURLConnection} cannot stop a read blocked on a stalled host from another
 * thread. Here {@link #abort} closes the socket, which fails such a read at once.
 */
public final class SocketHttpGet implements AutoCloseable {
  private static final int MAX_HEADER_BYTES = 64 * 1024;

  private final URI url;
  private final Map<String, String> requestHeaders;
  private final Map<String, String> responseHeaders = new LinkedHashMap<>();
  private final SSLContext tls;
  private final Duration connectTimeout;
  private final Duration stallTimeout;
  private volatile Socket socket;
  private volatile boolean aborted;
  private int status = -1;
  private long contentLength = -1;
  private boolean chunked;
  private InputStream in;

  private SocketHttpGet(URI url, Map<String, String> headers, SSLContext tls, Duration connectTimeout,
      Duration stallTimeout) {
    this.url = url;
    this.requestHeaders = Map.copyOf(headers);
    this.tls = tls;
    this.connectTimeout = connectTimeout;
    this.stallTimeout = stallTimeout;
  }

  /**
   * Prepares the GET; nothing is sent until {@link #status}, so the caller can register the download for
   * {@link #abort} first. {@code headers} are sent as given (e.g. a session cookie, a Range, a bearer token);
   * {@code tls} is used for https URLs, the JVM's default when null; a read that gets no data for
   * {@code stallTimeout} fails with a {@link java.net.SocketTimeoutException}.
   */
  public static SocketHttpGet prepare(URI url, Map<String, String> headers, SSLContext tls, Duration connectTimeout,
      Duration stallTimeout) {
    return new SocketHttpGet(url, headers, tls, connectTimeout, stallTimeout);
  }

  /** Sends the request (the first time) and returns the HTTP status. */
  public synchronized int status() throws IOException {
    if (status < 0) {
      send();
    }
    return status;
  }

  /** The Content-Length, or -1 when the server sent none. */
  public long contentLength() {
    return contentLength;
  }

  /** A header of the answer (the last one, when it came more than once), by case-insensitive name. */
  public Optional<String> header(String name) throws IOException {
    status();
    return Optional.ofNullable(responseHeaders.get(name.toLowerCase(Locale.ROOT)));
  }

  /** The body of the answer: de-chunked, and ending where the server said it ends. */
  public InputStream body() throws IOException {
    status();
    return chunked ? new ChunkedBody(in) : in;
  }

  /** Closes the connection, failing a request or read in progress on another thread. */
  public void abort() {
    aborted = true;
    closeSocket();
  }

  @Override
  public void close() {
    closeSocket();
  }

  private void send() throws IOException {
    boolean https = "https".equalsIgnoreCase(url.getScheme());
    String host = url.getHost();
    int port = url.getPort() > 0 ? url.getPort() : https ? 443 : 80;
    Socket plain = new Socket();
    socket = plain;
    if (aborted) {
      closeSocket();
      throw new InterruptedIOException("download aborted");
    }
    plain.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
    plain.setSoTimeout((int) stallTimeout.toMillis());
    plain.setTcpNoDelay(true);
    Socket s = plain;
    if (https) {
      SSLContext context;
      try {
        context = tls != null ? tls : SSLContext.getDefault();
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IOException("no TLS in this Java runtime: " + e.getMessage(), e);
      }
      SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
      // Host names are checked as for https URLs; the pinned and insecure trust modes decide for themselves.
      SSLParameters p = ssl.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      ssl.setSSLParameters(p);
      ssl.startHandshake();
      s = ssl;
      socket = ssl;
    }
    String target = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      target += "?" + url.getRawQuery();
    }
    StringBuilder request = new StringBuilder()
        .append("GET ").append(target).append(" HTTP/1.1\r\n")
        .append("Host: ").append(url.getPort() > 0 ? host + ":" + port : host).append("\r\n")
        .append("User-Agent: hypersdk\r\n")
        .append("Accept: */*\r\n")
        .append("Connection: close\r\n");
    requestHeaders.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
    request.append("\r\n");
    OutputStream out = s.getOutputStream();
    out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
    readHead();
  }

  private void readHead() throws IOException {
    int[] budget = {MAX_HEADER_BYTES};
    String statusLine = line(in, budget);
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP answer from " + url.getHost() + ": " + statusLine);
    }
    try {
      status = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP status from " + url.getHost() + ": " + statusLine);
    }
    for (String h = line(in, budget); !h.isEmpty(); h = line(in, budget)) {
      int colon = h.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      responseHeaders.put(name, value);
      if (name.equals("content-length")) {
        contentLength = Long.parseLong(value);
      } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
        chunked = true;
      }
    }
    if (chunked) {
      contentLength = -1;
    }
  }

  /** One header line without its CRLF, within what is left of the header budget. */
  static String line(InputStream in, int[] budget) throws IOException {
    StringBuilder b = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("the connection closed in the middle of the HTTP header");
      }
      if (--budget[0] < 0) {
        throw new IOException("HTTP header longer than " + MAX_HEADER_BYTES + " bytes");
      }
      if (c == '\n') {
        int end = b.length();
        return end > 0 && b.charAt(end - 1) == '\r' ? b.substring(0, end - 1) : b.toString();
      }
      b.append((char) c);
    }
  }

  private void closeSocket() {
    Socket s = socket;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // Closing to end the download; nothing else to do.
      }
    }
  }

  /** A chunked body (RFC 9112, section 7.1), ending after the last chunk and its trailers. */
  private static final class ChunkedBody extends InputStream {
    private final InputStream in;
    private long left;
    private boolean done;

    ChunkedBody(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (done) {
        return -1;
      }
      if (left == 0) {
        int[] budget = {MAX_HEADER_BYTES};
        String size = line(in, budget);
        int ext = size.indexOf(';');
        try {
          left = Long.parseLong((ext < 0 ? size : size.substring(0, ext)).trim(), 16);
        } catch (NumberFormatException e) {
          throw new IOException("bad chunk size in the download: " + size);
        }
        if (left == 0) {
          while (!line(in, budget).isEmpty()) {
            // Trailer fields carry nothing used here.
          }
          done = true;
          return -1;
        }
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new EOFException("the connection closed in the middle of a chunk");
      }
      left -= n;
      if (left == 0) {
        int[] budget = {2};
        if (!line(in, budget).isEmpty()) {
          throw new IOException("a chunk of the download did not end with CRLF");
        }
      }
      return n;
    }
  }
}
