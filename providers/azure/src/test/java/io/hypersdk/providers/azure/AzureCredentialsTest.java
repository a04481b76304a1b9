package io.hypersdk.providers.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.hypersdk.providers.azure.testing.AzureFixture;
import io.hypersdk.testing.JavaProcess;
import io.hypersdk.testing.Tools;
import java.io.FileInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The managed-identity and certificate credentials, through azure-identity itself (no fake of its classes), each in
 * a JVM of its own ({@link CredentialProbe}) so the environment azure-identity reads can be set: WireMock answers as
 * the App Service managed-identity endpoint ({@code IDENTITY_ENDPOINT}, {@code IDENTITY_HEADER}) and, over HTTPS with
 * a certificate the child JVM trusts, as the Entra ID authority ({@code AZURE_AUTHORITY_HOST}); ARM must then see
 * the token that came back. Neither the token nor the identity header may show in the child's output.
 */
@Timeout(300)
class AzureCredentialsTest {
  private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  private static final String CLIENT = "5b3c1f0e-7d2a-4e8b-9c6d-0a1b2c3d4e5f";
  private static final String TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.test-arm-token-not-real";
  private static final String PASSWORD = "changeit";
  private static final String VMS = "/subscriptions/" + AzureFixture.SUBSCRIPTION
      + "/providers/Microsoft.Compute/virtualMachines";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path work;
  WireMockServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void managedIdentityTokenFromTheAppServiceEndpointSignsTheArmCalls() throws Exception {
    String header = "identity-header-not-real-7f3a";
    server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
    String arm = "http://127.0.0.1:" + server.port();
    // App Service's managed-identity endpoint (api-version 2019-08-01): expires_on in epoch seconds, as a string.
    server.stubFor(get(urlPathEqualTo("/msi/token")).withHeader("X-IDENTITY-HEADER", equalTo(header))
        .willReturn(okJson("{\"access_token\": \"" + TOKEN + "\", \"expires_on\": \""
            + Instant.now().plusSeconds(3600).getEpochSecond() + "\", \"resource\": \"" + arm + "\", "
            + "\"token_type\": \"Bearer\", \"client_id\": \"" + CLIENT + "\"}")));
    armAnswersOnlyTheToken();

    JavaProcess probe = probe(List.of(), Map.of("IDENTITY_ENDPOINT", arm + "/msi/token", "IDENTITY_HEADER", header),
        "credential=managed-identity", "arm_endpoint=" + arm);

    assertThat(exit(probe)).as(describe(probe)).isZero();
    assertThat(probe.stdout()).contains("vms 0");
    var asked = server.findAll(getRequestedFor(urlPathEqualTo("/msi/token")));
    assertThat(asked).singleElement().satisfies(r -> {
      assertThat(r.queryParameter("resource").firstValue()).isEqualTo(arm);
      assertThat(r.queryParameter("api-version").firstValue()).isEqualTo("2019-08-01");
    });
    assertThat(server.findAll(getRequestedFor(urlPathEqualTo(VMS)))).isNotEmpty()
        .allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN));
    assertThat(probe.stdout() + probe.stderr()).doesNotContain(TOKEN).doesNotContain(header);
  }

  @Test
  void certificateCredentialSignsItsClientAssertionWithTheCertificateItNames() throws Exception {
    Path tls = keyPair("tls", "CN=127.0.0.1", "SAN=ip:127.0.0.1,dns:localhost");
    Path trust = work.resolve("trust.p12");
    Path cer = work.resolve("tls.cer");
    Tools.run(List.of(keytool(), "-exportcert", "-alias", "tls", "-keystore", tls.toString(), "-storepass", PASSWORD,
        "-file", cer.toString()));
    Tools.run(List.of(keytool(), "-importcert", "-noprompt", "-alias", "tls", "-file", cer.toString(), "-keystore",
        trust.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD));
    Path client = keyPair("client", "CN=hypersdk-export", null);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(client.toFile())) {
      ks.load(in, PASSWORD.toCharArray());
    }
    X509Certificate cert = (X509Certificate) ks.getCertificate("client");
    PrivateKey key = (PrivateKey) ks.getKey("client", PASSWORD.toCharArray());
    Path pem = work.resolve("client.pem");
    Files.writeString(pem, pem("PRIVATE KEY", key.getEncoded()) + pem("CERTIFICATE", cert.getEncoded()));

    server = new WireMockServer(wireMockConfig().dynamicPort().dynamicHttpsPort().bindAddress("127.0.0.1")
        .keystorePath(tls.toString()).keystorePassword(PASSWORD).keyManagerPassword(PASSWORD)
        .keystoreType("PKCS12"));
    server.start();
    String arm = "http://127.0.0.1:" + server.port();
    String authority = "https://127.0.0.1:" + server.httpsPort();
    // Microsoft identity platform v2.0 token endpoint, client credentials grant with a certificate.
    server.stubFor(post(urlPathEqualTo("/" + TENANT + "/oauth2/v2.0/token")).willReturn(okJson("{\"token_type\": "
        + "\"Bearer\", \"expires_in\": 3599, \"ext_expires_in\": 3599, \"access_token\": \"" + TOKEN + "\"}")));
    armAnswersOnlyTheToken();

    List<String> trustIt = List.of("-Djavax.net.ssl.trustStore=" + trust, "-Djavax.net.ssl.trustStorePassword="
        + PASSWORD, "-Djavax.net.ssl.trustStoreType=PKCS12");
    JavaProcess probe = probe(trustIt, Map.of("AZURE_AUTHORITY_HOST", authority + "/"), "credential=certificate",
        "arm_endpoint=" + arm, "tenant_id=" + TENANT, "client_id=" + CLIENT, "client_certificate=" + pem);

    assertThat(exit(probe)).as(describe(probe)).isZero();
    assertThat(probe.stdout()).contains("vms 0");
    var asked = server.findAll(postRequestedFor(urlPathEqualTo("/" + TENANT + "/oauth2/v2.0/token")));
    assertThat(asked).as(describe(probe)).isNotEmpty();
    Map<String, String> form = form(asked.get(0).getBodyAsString());
    assertThat(form).containsEntry("grant_type", "client_credentials").containsEntry("client_id", CLIENT)
        .containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    // MSAL adds the OpenID scopes to the one asked for.
    assertThat(form.get("scope").split(" ")).contains(arm + "/.default");

    String[] jwt = form.get("client_assertion").split("\\.");
    assertThat(jwt).hasSize(3);
    JsonNode head = JSON.readTree(Base64.getUrlDecoder().decode(jwt[0]));
    JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(jwt[1]));
    String x5t = head.has("x5t#S256") ? "x5t#S256" : "x5t";
    // The certificate's thumbprint. RFC 7515 says base64url; MSAL 1.23 sends standard base64 with padding, so
    // both spellings are compared as one.
    String thumbprint = head.path(x5t).asText().replace('+', '-').replace('/', '_').replace("=", "");
    assertThat(thumbprint).as("%s of %s", x5t, head).isEqualTo(Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(MessageDigest.getInstance(x5t.equals("x5t") ? "SHA-1" : "SHA-256").digest(cert.getEncoded())));
    assertThat(claims.path("iss").asText()).isEqualTo(CLIENT);
    assertThat(claims.path("sub").asText()).isEqualTo(CLIENT);
    assertThat(claims.path("aud").asText()).isEqualTo(authority + "/" + TENANT + "/oauth2/v2.0/token");
    assertThat(verifies(head.path("alg").asText(), cert, jwt)).as("signature (%s) of %s", head, claims).isTrue();
    assertThat(server.findAll(getRequestedFor(urlPathEqualTo(VMS)))).isNotEmpty()
        .allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN));
    assertThat(probe.stdout() + probe.stderr()).doesNotContain(TOKEN).doesNotContain(jwt[2])
        .doesNotContain(Base64.getEncoder().encodeToString(key.getEncoded()).substring(0, 40));
  }

  /** ARM's VM list of the subscription, empty, for the token the identity endpoint gave and no other. */
  private void armAnswersOnlyTheToken() {
    server.stubFor(get(urlPathEqualTo(VMS)).withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .willReturn(okJson("{\"value\": []}")));
    server.stubFor(get(urlPathMatching("/subscriptions/.*")).atPriority(10).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json").withBody("{\"error\": {\"code\": \"InvalidAuthenticationToken\", "
            + "\"message\": \"The access token is invalid.\"}}")));
  }

  private JavaProcess probe(List<String> jvmOptions, Map<String, String> env, String... settings) throws Exception {
    List<String> options = new ArrayList<>(JavaProcess.QUICK_START);
    options.addAll(jvmOptions);
    List<String> args = new ArrayList<>(List.of("subscription=" + AzureFixture.SUBSCRIPTION));
    args.addAll(List.of(settings));
    return JavaProcess.startWithOptions(options, work.resolve("logs"), "probe", CredentialProbe.class.getName(), args,
        env, List.of());
  }

  private static int exit(JavaProcess p) throws InterruptedException {
    assertThat(p.process().waitFor(240, TimeUnit.SECONDS)).as("the probe ended").isTrue();
    return p.process().exitValue();
  }

  private String describe(JavaProcess p) {
    return "stdout: " + p.stdout() + "\nstderr: " + p.stderr() + "\nunmatched: "
        + server.findAllUnmatchedRequests();
  }

  private Path keyPair(String alias, String dname, String ext) {
    Path store = work.resolve(alias + ".p12");
    List<String> cmd = new ArrayList<>(List.of(keytool(), "-genkeypair", "-alias", alias, "-keyalg", "RSA",
        "-keysize", "2048", "-validity", "2", "-dname", dname, "-storetype", "PKCS12", "-keystore", store.toString(),
        "-storepass", PASSWORD, "-keypass", PASSWORD));
    if (ext != null) {
      cmd.addAll(List.of("-ext", ext));
    }
    Tools.run(cmd);
    return store;
  }

  private static String keytool() {
    return Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static Map<String, String> form(String body) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String p : body.split("&")) {
      int eq = p.indexOf('=');
      out.put(URLDecoder.decode(p.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  /** The JWT's signature over header.payload with the certificate's public key (RS256 or PS256). */
  private static boolean verifies(String alg, X509Certificate cert, String[] jwt) throws Exception {
    Signature s;
    if (alg.equals("PS256")) {
      s = Signature.getInstance("RSASSA-PSS");
      s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
    } else {
      assertThat(alg).isEqualTo("RS256");
      s = Signature.getInstance("SHA256withRSA");
    }
    s.initVerify(cert.getPublicKey());
    s.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
    return s.verify(Base64.getUrlDecoder().decode(jwt[2]));
  }
}
