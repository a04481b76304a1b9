package io.hypersdk.providers.vsphere;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hypersdk.io.Sha256;
import io.hypersdk.providers.ExportFormat;
import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.vsphere.testing.Vcsim;
import io.hypersdk.providers.vsphere.vim25.TlsTrust;
import io.hypersdk.testing.TestDisks;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator over https with its self-signed certificate: how each trust option treats it. */
class TlsTest {
  @TempDir
  static Path work;
  static Vcsim sim;
  static X509Certificate cert;

  @BeforeAll
  static void start() throws Exception {
    sim = Vcsim.start(work.resolve("sim"), "-tls");
    assertThat(sim.url()).startsWith("https://127.0.0.1:");
    cert = serverCertificate(URI.create(sim.url()));
  }

  @AfterAll
  static void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  /** The certificate the server presents, read without trusting it (what a user does with openssl s_client). */
  static X509Certificate serverCertificate(URI url) throws Exception {
    javax.net.ssl.SSLContext insecure = TlsTrust.insecure().sslContext();
    try (SSLSocket s = (SSLSocket) insecure.getSocketFactory().createSocket(url.getHost(), url.getPort())) {
      s.startHandshake();
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }

  private static Map<String, String> with(String key, String value) throws Exception {
    Map<String, String> s = Sim.settings(sim, work);
    s.put(key, value);
    return s;
  }

  @Test
  void withoutATrustOptionTheSelfSignedCertificateIsRefusedWithAHint() throws Exception {
    assertThatThrownBy(() -> Sim.open(Sim.settings(sim, work))).isInstanceOf(ProviderException.class)
        .hasMessageStartingWith("TLS with 127.0.0.1:").hasMessageContaining("--ca-file or --thumbprint")
        .hasMessageContaining("--insecure");
  }

  @Test
  void httpsToAPlainHttpServerSaysToUseHttp() throws Exception {
    try (Vcsim plain = Vcsim.start(work.resolve("plain"))) {
      Map<String, String> s = Sim.settings(plain, work);
      String hostPort = URI.create(plain.url()).getAuthority();
      s.put(VsphereSettings.URL, hostPort);
      assertThatThrownBy(() -> Sim.open(s)).hasMessage(hostPort + " does not speak TLS; if it is meant to be plain "
          + "HTTP, give the URL as http://" + hostPort + "/sdk");
    }
  }

  @Test
  void insecureAcceptsAnyCertificate() throws Exception {
    try (Provider p = Sim.open(with(VsphereSettings.INSECURE, "true"))) {
      assertThat(p.listVms()).isNotEmpty();
    }
  }

  @Test
  void aPinnedThumbprintIsAcceptedInEitherSpelling() throws Exception {
    String hex = TlsTrust.thumbprint(cert);
    try (Provider p = Sim.open(with(VsphereSettings.THUMBPRINT, hex))) {
      assertThat(p.listVms()).isNotEmpty();
    }
    String colons = hex.toUpperCase().replaceAll("(..)(?!$)", "$1:");
    try (Provider p = Sim.open(with(VsphereSettings.THUMBPRINT, colons))) {
      assertThat(p.listVms()).isNotEmpty();
    }
  }

  @Test
  void anotherThumbprintIsRefused() throws Exception {
    String other = "ab".repeat(32);
    assertThatThrownBy(() -> Sim.open(with(VsphereSettings.THUMBPRINT, other)))
        .isInstanceOf(ProviderException.class).hasMessageContaining("not the pinned " + other);
  }

  @Test
  void nfcHostThumbprintsFromTheLeaseAreAcceptedBesideThePin() throws Exception {
    // ESXi hosts serve NFC downloads with their own certificates; the lease names them by SHA-1 thumbprint.
    String sha1 = java.util.HexFormat.ofDelimiter(":").withUpperCase().formatHex(
        java.security.MessageDigest.getInstance("SHA-1").digest(cert.getEncoded()));
    TlsTrust pinnedElsewhere = TlsTrust.pinned("ab".repeat(32));
    assertThatThrownBy(() -> handshake(pinnedElsewhere)).isInstanceOf(javax.net.ssl.SSLException.class);
    handshake(pinnedElsewhere.withHostThumbprints(java.util.List.of(sha1)));
    handshake(pinnedElsewhere.withHostThumbprints(java.util.List.of(TlsTrust.thumbprint(cert))));
  }

  private static void handshake(TlsTrust trust) throws Exception {
    URI url = URI.create(sim.url());
    try (SSLSocket s = (SSLSocket) trust.sslContext().getSocketFactory().createSocket(url.getHost(), url.getPort())) {
      s.startHandshake();
    }
  }

  @Test
  void aCaBundleWithTheCertificateIsTrusted() throws Exception {
    Path pem = work.resolve("ca.pem");
    Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
        + "\n-----END CERTIFICATE-----\n");
    try (Provider p = Sim.open(with(VsphereSettings.CA_FILE, pem.toString()))) {
      assertThat(p.listVms()).isNotEmpty();
    }
  }

  @Test
  void disksDownloadOverHttpsWithThePinnedCertificate() throws Exception {
    String vm = "/DC0/vm/DC0_C0_RP0_VM0";
    Path vmdk = TestDisks.vmdkStreamOptimized(TestDisks.raw(Files.createDirectories(work.resolve("raw")), "tls", 16, 41));
    sim.putDisk(vm, 0, vmdk);
    Map<String, String> s = with(VsphereSettings.THUMBPRINT, TlsTrust.thumbprint(cert));
    s.put(VsphereSettings.POWER_OFF, "true");
    ExportedVm out;
    try (Provider p = Sim.open(s)) {
      out = p.export(new ExportRequest(vm, work.resolve("out"), ExportFormat.OVF), ExportProgress.NONE);
    }
    assertThat(out.disks()).singleElement().satisfies(d -> assertThat(d.sha256()).isEqualTo(Sha256.ofFile(vmdk)));
  }
}
