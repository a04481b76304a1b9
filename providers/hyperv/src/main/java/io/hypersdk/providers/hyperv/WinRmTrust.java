package io.hypersdk.providers.hyperv;

import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Which certificate the WinRM HTTPS listener may present: one chained to the system CA store or to the CA file
 * (name checked against the host), or exactly the one whose SHA-256 thumbprint is pinned (a self-signed listener
 * certificate, whose name need not match). A refused certificate is recorded with its thumbprint for the message.
 */
final class WinRmTrust {
  private final HyperVConfig config;
  private final AtomicReference<String> refusal = new AtomicReference<>();

  WinRmTrust(HyperVConfig config) {
    this.config = config;
  }

  /** Why the last certificate was refused, one line naming its thumbprint; null when none was. */
  String refusal() {
    return refusal.get();
  }

  SSLContext context() throws ProviderException {
    try {
      X509TrustManager chain = config.winrmThumbprint() != null ? null : chainTrust();
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new Checked(chain)}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new ProviderException(Kind.INVALID_REQUEST, "cannot set up TLS for WinRM: " + e.getMessage(), e);
    }
  }

  /** The SHA-256 thumbprint of a certificate: 64 upper-case hex digits, as Windows' certificate dialog shows it. */
  static String thumbprint(Certificate cert) throws CertificateException {
    try {
      return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A thumbprint as a person may write it (colons, spaces, lower case) in the form {@link #thumbprint} gives. */
  static String normalize(String thumbprint) {
    return thumbprint.replaceAll("[:\\s]", "").toUpperCase(Locale.ROOT);
  }

  private X509TrustManager chainTrust() throws GeneralSecurityException, ProviderException {
    TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    Path caFile = config.winrmCaFile();
    if (caFile == null) {
      f.init((KeyStore) null);
    } else {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      try {
        ks.load(null, null);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      int i = 0;
      try (InputStream in = Files.newInputStream(caFile)) {
        for (Certificate c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          ks.setCertificateEntry("ca" + i++, c);
        }
      } catch (IOException | CertificateException e) {
        throw new ProviderException(Kind.INVALID_REQUEST, "cannot read --winrm-ca-file " + caFile + ": "
            + SshHost.firstLine(e.getMessage()), e);
      }
      if (i == 0) {
        throw new ProviderException(Kind.INVALID_REQUEST, "--winrm-ca-file " + caFile + " holds no certificate: "
            + "give the PEM or DER file of the CA that issued the host's WinRM certificate");
      }
      f.init(ks);
    }
    // The JDK's PKIX factory makes exactly one, an X509ExtendedTrustManager.
    return (X509TrustManager) f.getTrustManagers()[0];
  }

  /**
   * Checks the server's certificate. Being an {@link X509ExtendedTrustManager}, it owns the host name check: the
   * JDK's chain trust manager does it for the CA cases; a pinned thumbprint names the certificate itself.
   */
  private final class Checked extends X509ExtendedTrustManager {
    private final X509TrustManager chain;

    Checked(X509TrustManager chain) {
      this.chain = chain;
    }

    /** {@code engine} or {@code socket} (one of them, or neither) carries the host name the JDK checks. */
    private void check(X509Certificate[] certs, String authType, SSLEngine engine, Socket socket)
        throws CertificateException {
      String seen = thumbprint(certs[0]);
      String where = config.host() + ":" + config.port();
      if (chain == null) {
        if (!seen.equals(normalize(config.winrmThumbprint()))) {
          refusal.set("the WinRM certificate of " + where + " has SHA-256 thumbprint " + seen + ", not the pinned "
              + normalize(config.winrmThumbprint()) + ": if the listener's certificate was renewed, check it on the "
              + "host and pass the new --winrm-thumbprint");
          throw new CertificateException(refusal.get());
        }
        return;
      }
      try {
        if (chain instanceof X509ExtendedTrustManager x && engine != null) {
          x.checkServerTrusted(certs, authType, engine);
        } else if (chain instanceof X509ExtendedTrustManager x && socket != null) {
          x.checkServerTrusted(certs, authType, socket);
        } else {
          chain.checkServerTrusted(certs, authType);
        }
      } catch (CertificateException e) {
        refusal.set("the WinRM certificate of " + where + " (SHA-256 thumbprint " + seen + ", " + certs[0]
            .getSubjectX500Principal().getName() + ") is not trusted by " + (config.winrmCaFile() != null
            ? config.winrmCaFile() : "the system CA store") + " (" + SshHost.firstLine(e.getMessage()) + "): pass "
            + "--winrm-ca-file with the issuing CA, or --winrm-thumbprint " + seen + " after checking it on the host");
        throw e;
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine)
        throws CertificateException {
      check(certs, authType, engine, null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket)
        throws CertificateException {
      check(certs, authType, null, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
      check(certs, authType, null, null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType, Socket socket)
        throws CertificateException {
      throw new UnsupportedOperationException();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType, SSLEngine engine)
        throws CertificateException {
      throw new UnsupportedOperationException();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType) throws CertificateException {
      throw new UnsupportedOperationException();
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return chain == null ? new X509Certificate[0] : chain.getAcceptedIssuers();
    }
  }
}
