package io.hypersdk.providers.vsphere.vim25;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Which server certificates to accept: the system's CAs (default), the CAs of a PEM bundle, one certificate
 * pinned by its SHA-256 thumbprint (for self-signed vCenters), or any (insecure).
 */
public record TlsTrust(Mode mode, Path caBundle, String thumbprint, Set<String> hostThumbprints) {
  /** How the server's certificate is checked. */
  public enum Mode { SYSTEM, CA_BUNDLE, PINNED, INSECURE }

  public TlsTrust {
    hostThumbprints = hostThumbprints == null ? Set.of() : Set.copyOf(hostThumbprints);
  }

  public static TlsTrust system() {
    return new TlsTrust(Mode.SYSTEM, null, null, null);
  }

  public static TlsTrust insecure() {
    return new TlsTrust(Mode.INSECURE, null, null, null);
  }

  public static TlsTrust caBundle(Path pem) {
    return new TlsTrust(Mode.CA_BUNDLE, pem, null, null);
  }

  /**
   * For PINNED trust: also accept the certificates with these thumbprints (SHA-1 or SHA-256, as an NFC
   * lease gives them for the ESXi hosts that serve the disks, whose certificates differ from vCenter's).
   * The lease comes over the pinned connection, so its thumbprints are as trustworthy as the pin.
   */
  public TlsTrust withHostThumbprints(Collection<String> thumbprints) {
    Set<String> all = new HashSet<>(hostThumbprints);
    for (String t : thumbprints) {
      String hex = t == null ? "" : t.replace(":", "").strip().toLowerCase(Locale.ROOT);
      if (hex.matches("[0-9a-f]{40}|[0-9a-f]{64}")) {
        all.add(hex);
      }
    }
    return new TlsTrust(mode, caBundle, thumbprint, all);
  }

  /** {@code sha256} as 64 hex digits, with or without colons (the form vCenter and openssl print). */
  public static TlsTrust pinned(String sha256) {
    String hex = sha256.replace(":", "").strip().toLowerCase(Locale.ROOT);
    if (!hex.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("a SHA-256 thumbprint is 64 hex digits (colons allowed), not '" + sha256 + "'");
    }
    return new TlsTrust(Mode.PINNED, null, hex, null);
  }

  /** The SSL context for this trust; host names are verified except for PINNED and INSECURE. */
  public SSLContext sslContext() throws IOException {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      switch (mode) {
        case SYSTEM -> ctx.init(null, null, null);
        case CA_BUNDLE -> ctx.init(null, bundleTrustManagers(caBundle), null);
        case PINNED -> ctx.init(null, new TrustManager[] {new Pinned(thumbprint, hostThumbprints)}, null);
        case INSECURE -> ctx.init(null, new TrustManager[] {new Pinned(null, Set.of())}, null);
        default -> throw new IllegalStateException(mode.name());
      }
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage());
    }
  }

  private static TrustManager[] bundleTrustManagers(Path pem) throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    int n = 0;
    try (InputStream in = Files.newInputStream(pem)) {
      for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca" + n++, cert);
      }
    } catch (CertificateException e) {
      throw new IOException(pem + " is not a PEM certificate bundle: " + e.getMessage());
    }
    if (n == 0) {
      throw new IOException(pem + " holds no certificates");
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    return tmf.getTrustManagers();
  }

  /** SHA-256 of a certificate's DER encoding, as lowercase hex. */
  public static String thumbprint(X509Certificate cert) throws CertificateException {
    return digest(cert, "SHA-256");
  }

  private static String digest(X509Certificate cert, String algorithm) throws CertificateException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(cert.getEncoded()));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new CertificateException(e);
    }
  }

  /**
   * Accepts the leaf certificate whose SHA-256 is {@code expected}, or any when it is null. Being an
   * X509ExtendedTrustManager, it also replaces the JDK's host name check: a pinned certificate is trusted
   * whatever name it carries (self-signed vCenter certificates rarely match the address used).
   */
  private static final class Pinned extends X509ExtendedTrustManager {
    private final String expected;
    private final Set<String> alsoAccepted;

    Pinned(String expected, Set<String> alsoAccepted) {
      this.expected = expected;
      this.alsoAccepted = alsoAccepted;
    }

    private void check(X509Certificate[] chain) throws CertificateException {
      if (expected == null) {
        return;
      }
      if (chain == null || chain.length == 0) {
        throw new CertificateException("the server sent no certificate");
      }
      String actual = thumbprint(chain[0]);
      if (!actual.equals(expected) && !alsoAccepted.contains(actual)
          && !alsoAccepted.contains(digest(chain[0], "SHA-1"))) {
        throw new CertificateException("the server's certificate has SHA-256 thumbprint " + actual
            + ", not the pinned " + expected);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("client certificates are not accepted");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("client certificates are not accepted");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("client certificates are not accepted");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
