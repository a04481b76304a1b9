package io.hypersdk.providers.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The download GET's HTTP/1.1 on a real loopback socket: framing, the request it sends, and abort. */
class SocketHttpGetTest {
  private ServerSocket server;
  private final AtomicReference<String> request = new AtomicReference<>();

  @BeforeEach
  void listen() throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  /** Answers one connection with {@code answer}, then keeps it open until {@code release} (or closes it). */
  private void serveOnce(byte[] answer, CountDownLatch release) {
    CompletableFuture.runAsync(() -> {
      try (Socket s = server.accept()) {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
          head.write(in.read());
        }
        request.set(head.toString(StandardCharsets.ISO_8859_1));
        OutputStream out = s.getOutputStream();
        out.write(answer);
        out.flush();
        if (release != null) {
          release.await(30, TimeUnit.SECONDS);
        }
      } catch (Exception ignored) {
        // The client closed first.
      }
    });
  }

  private URI url() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/nfc/disk-0.vmdk?x=1");
  }

  private static String read(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void requestHeadersAreSentAndResponseHeadersReadByAnyCase() throws Exception {
    serveOnce(("HTTP/1.1 206 Partial Content\r\nContent-Length: 3\r\nX-Goog-Hash: crc32c=AAAAAA==\r\n"
        + "x-goog-hash: md5=BBBB\r\n\r\nabc").getBytes(StandardCharsets.ISO_8859_1), null);
    try (SocketHttpGet d = SocketHttpGet.prepare(url(), Map.of("Range", "bytes=0-2", "Authorization", "Bearer t"),
        null, Duration.ofSeconds(5), Duration.ofSeconds(5))) {
      assertThat(d.status()).isEqualTo(206);
      assertThat(d.header("content-length")).contains("3");
      assertThat(d.header("X-GOOG-HASH")).as("the last of a repeated header").contains("md5=BBBB");
      assertThat(d.header("ETag")).isEmpty();
      assertThat(read(d.body())).isEqualTo("abc");
    }
    assertThat(request.get()).contains("Range: bytes=0-2\r\n").contains("Authorization: Bearer t\r\n");
  }

  @Test
  void aChunkedBodyIsDecodedWithExtensionsAndTrailers() throws Exception {
    serveOnce(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5;name=x\r\nhello\r\n7\r\n, disk!\r\n0\r\nX-Trailer: y\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), null);
    try (SocketHttpGet d = SocketHttpGet.prepare(url(), Map.of("Cookie", "vmware_soap_session=s3cret"), null,
        Duration.ofSeconds(5), Duration.ofSeconds(5))) {
      assertThat(d.status()).isEqualTo(200);
      assertThat(d.contentLength()).isEqualTo(-1);
      assertThat(read(d.body())).isEqualTo("hello, disk!");
    }
    assertThat(request.get()).startsWith("GET /nfc/disk-0.vmdk?x=1 HTTP/1.1\r\n")
        .contains("Host: 127.0.0.1:" + server.getLocalPort() + "\r\n")
        .contains("Cookie: vmware_soap_session=s3cret\r\n").contains("Connection: close\r\n");
  }

  @Test
  void aContentLengthIsReportedAndAnErrorStatusIsNotABody() throws Exception {
    serveOnce("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd".getBytes(StandardCharsets.ISO_8859_1), null);
    try (SocketHttpGet d = SocketHttpGet.prepare(url(), Map.of(), null, Duration.ofSeconds(5), Duration.ofSeconds(5))) {
      assertThat(d.status()).isEqualTo(200);
      assertThat(d.contentLength()).isEqualTo(4);
      assertThat(read(d.body())).isEqualTo("abcd");
    }
    assertThat(request.get()).doesNotContain("Cookie");
    serveOnce("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), null);
    try (SocketHttpGet d = SocketHttpGet.prepare(url(), Map.of(), null, Duration.ofSeconds(5), Duration.ofSeconds(5))) {
      assertThat(d.status()).isEqualTo(404);
    }
  }

  @Test
  void aChunkCutShortIsAnErrorNotAShortDisk() throws Exception {
    serveOnce("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nhalf".getBytes(StandardCharsets.ISO_8859_1),
        null);
    try (SocketHttpGet d = SocketHttpGet.prepare(url(), Map.of(), null, Duration.ofSeconds(5), Duration.ofSeconds(5))) {
      assertThat(d.status()).isEqualTo(200);
      assertThatThrownBy(() -> read(d.body())).isInstanceOf(IOException.class)
          .hasMessageContaining("middle of a chunk");
    }
  }

  @Test
  void abortFromAnotherThreadEndsAReadBlockedOnAStalledHost() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    serveOnce("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nfirst".getBytes(StandardCharsets.ISO_8859_1), release);
    try (SocketHttpGet d = SocketHttpGet.prepare(url(), Map.of(), null, Duration.ofSeconds(5), Duration.ofMinutes(2))) {
      assertThat(d.status()).isEqualTo(200);
      InputStream body = d.body();
      assertThat(body.readNBytes(5)).isEqualTo("first".getBytes(StandardCharsets.ISO_8859_1));
      CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
        try {
          body.read(new byte[100]);
          return null;
        } catch (IOException e) {
          return e;
        }
      });
      Thread.sleep(200);
      assertThat(reader).isNotDone();
      long start = System.nanoTime();
      d.abort();
      assertThat(reader.get(5, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    } finally {
      release.countDown();
    }
  }

  @Test
  void aHostThatStopsSendingTimesOut() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    serveOnce("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), release);
    try (SocketHttpGet d = SocketHttpGet.prepare(url(), Map.of(), null, Duration.ofSeconds(5), Duration.ofMillis(300))) {
      assertThat(d.status()).isEqualTo(200);
      assertThatThrownBy(() -> d.body().read(new byte[10])).isInstanceOf(SocketTimeoutException.class);
    } finally {
      release.countDown();
    }
  }
}
