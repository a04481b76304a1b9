package io.hypersdk.providers.azure.testing;

import io.hypersdk.testing.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Azurite 3.35.0's blob service as its own process on a free loopback port, installed from npm into
 * {@code ~/.cache/hypersdk/azurite-3.35.0} on first use (3.36+ needs Node 21; {@code --skipApiVersionCheck}
 * because azure-storage-blob 12.35.0 sends a newer API version than 3.35.0 knows).
 */
public final class Azurite implements AutoCloseable {
  public static final String VERSION = "3.35.0";
  /** Azurite's well-known development account and key (documented by Azurite; not a secret). */
  public static final String ACCOUNT = "devstoreaccount1";
  public static final String KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
  private final Process process;
  private final int port;

  public Azurite() {
    Path bin = install();
    port = freePort();
    try {
      process = new ProcessBuilder(bin.toString(), "--blobHost", "127.0.0.1", "--blobPort", Integer.toString(port),
          "--inMemoryPersistence", "--skipApiVersionCheck", "--silent", "--loose")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + bin, e);
    }
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        if (!process.isAlive() || System.nanoTime() > until) {
          process.destroyForcibly();
          throw new AssertionError("Azurite " + VERSION + " did not start on port " + port);
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }
  }

  /** The blob endpoint of the development account, e.g. {@code http://127.0.0.1:PORT/devstoreaccount1}. */
  public String endpoint() {
    return "http://127.0.0.1:" + port + "/" + ACCOUNT;
  }

  /** The azurite-blob launcher, installed with npm when missing (the test fails naming npm if it is absent). */
  static Path install() {
    Path dir = Path.of(System.getProperty("user.home"), ".cache", "hypersdk", "azurite-" + VERSION);
    Path bin = dir.resolve("node_modules/.bin/azurite-blob");
    if (!Files.isExecutable(bin)) {
      Tools.require("npm", "npm");
      Tools.run(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", dir.toString(), "azurite@"
          + VERSION));
    }
    return bin;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
