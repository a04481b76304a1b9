package io.hypersdk.providers.gcp.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Cloud Storage's JSON API for the fixture's staged objects (metadata, alt=media with Range and x-goog-hash, the
 * bucket listing, delete) on a plain JDK HttpServer: a benchmark's server whose per-request work is a file read,
 * so curl and the exporter are measured against it and not against WireMock's per-response encoding. Each object's
 * CRC32C is computed once. Faults are WireMock's: tests that inject them use {@link GcpFixture#endpoint()}.
 */
final class LeanStorage implements AutoCloseable {
  private static final int CHUNK = 1 << 20;
  private final HttpServer server;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "lean-storage");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Path> objects;
  private final Map<Path, String> crc32c = new ConcurrentHashMap<>();

  /** Serves {@code objects} (name to file) of the fixture's bucket; they are the fixture's, deletes included. */
  LeanStorage(Map<String, Path> objects) {
    this.objects = objects;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(pool);
    server.createContext("/storage/v1/b/", this::handle);
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      if (!("Bearer " + GcpFixture.TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"))) {
        json(x, 401, "{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication credentials.\"}}");
        return;
      }
      String prefix = "/storage/v1/b/" + GcpFixture.BUCKET + "/o";
      String path = x.getRequestURI().getRawPath();
      String query = x.getRequestURI().getRawQuery() == null ? "" : x.getRequestURI().getRawQuery();
      if (!path.startsWith(prefix)) {
        json(x, 404, "{\"error\":{\"code\":404,\"message\":\"The specified bucket does not exist.\"}}");
        return;
      }
      if (path.equals(prefix)) {
        // The listing only tells that the bucket exists: the exporter asks for no more.
        json(x, 200, "{\"kind\":\"storage#objects\"}");
        return;
      }
      String name = URLDecoder.decode(path.substring(prefix.length() + 1), StandardCharsets.UTF_8);
      Path file = objects.get(name);
      if (file == null) {
        json(x, 404, "{\"error\":{\"code\":404,\"message\":\"No such object: " + GcpFixture.BUCKET + "/" + name
            + "\"}}");
        return;
      }
      if (x.getRequestMethod().equals("DELETE")) {
        objects.remove(name);
        x.sendResponseHeaders(204, -1);
        return;
      }
      long size = Files.size(file);
      String crc = crc32c.computeIfAbsent(file, f -> {
        try {
          return GcpFixture.crc32c(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      if (!query.contains("alt=media")) {
        json(x, 200, "{\"kind\":\"storage#object\",\"name\":\"" + name + "\",\"bucket\":\"" + GcpFixture.BUCKET
            + "\",\"generation\":\"1733562000123456\",\"size\":\"" + size + "\",\"crc32c\":\"" + crc + "\"}");
        return;
      }
      media(x, file, size, crc);
    }
  }

  private static void media(HttpExchange x, Path file, long size, String crc) throws IOException {
    long from = 0;
    long to = size - 1;
    int status = 200;
    String range = x.getRequestHeaders().getFirst("Range");
    if (range != null && range.startsWith("bytes=")) {
      String[] fromTo = range.substring(6).split("-", -1);
      from = Long.parseLong(fromTo[0]);
      to = fromTo[1].isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(fromTo[1]));
      status = 206;
      x.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + size);
    }
    x.getResponseHeaders().set("Content-Type", "application/octet-stream");
    x.getResponseHeaders().set("x-goog-generation", "1733562000123456");
    x.getResponseHeaders().set("x-goog-hash", "crc32c=" + crc);
    x.getResponseHeaders().set("x-goog-stored-content-length", Long.toString(size));
    x.sendResponseHeaders(status, to - from + 1);
    byte[] buf = new byte[CHUNK];
    ByteBuffer b = ByteBuffer.wrap(buf);
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ); OutputStream out = x.getResponseBody()) {
      for (long at = from; at <= to; ) {
        b.clear().limit((int) Math.min(CHUNK, to + 1 - at));
        int n = in.read(b, at);
        if (n < 0) {
          break;
        }
        out.write(buf, 0, n);
        at += n;
      }
    }
  }

  private static void json(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    x.sendResponseHeaders(status, b.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
