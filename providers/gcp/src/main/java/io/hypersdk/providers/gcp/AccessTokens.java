package io.hypersdk.providers.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * OAuth 2.0 access tokens for the cloud-platform scope, from a service-account key file (a signed JWT exchanged
 * at the key's {@code token_uri}), from gcloud's application-default file (a refresh token), or from the
 * metadata server when running on Google Cloud: Application Default Credentials, in that order. A token is
 * reused until a minute before it expires; no token or key is ever logged.
 */
final class AccessTokens {
  private static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
  private static final String GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http;
  private final Source source;
  private String token;
  private Instant expires = Instant.EPOCH;

  /** Where the tokens come from, named in messages by {@code shown} (a path or "the metadata server"). */
  private record Source(String shown, JsonNode key) {}

  private AccessTokens(HttpClient http, Source source) {
    this.http = http;
    this.source = source;
  }

  /** The credentials of {@code keyFile}, else Application Default Credentials as found in {@code env}. */
  static AccessTokens find(HttpClient http, Path keyFile, Map<String, String> env) throws ProviderException {
    if (keyFile != null) {
      return new AccessTokens(http, new Source(keyFile.toString(), read(keyFile)));
    }
    String config = env.get("CLOUDSDK_CONFIG");
    Path adc = config != null && !config.isBlank() ? Path.of(config, "application_default_credentials.json")
        : Path.of(System.getProperty("user.home"), ".config", "gcloud", "application_default_credentials.json");
    if (Files.isRegularFile(adc)) {
      return new AccessTokens(http, new Source(adc.toString(), read(adc)));
    }
    return new AccessTokens(http, new Source("the metadata server", null));
  }

  /** What the credentials are, for messages: a file or the metadata server, never a key. */
  String shown() {
    return source.shown();
  }

  /** A valid access token, fetched again when the last one is about to expire. */
  synchronized String token() throws ProviderException {
    if (token != null && Instant.now().isBefore(expires.minusSeconds(60))) {
      return token;
    }
    JsonNode key = source.key();
    HttpRequest request;
    if (key == null) {
      String host = System.getenv().getOrDefault("GCE_METADATA_HOST", "metadata.google.internal");
      request = HttpRequest.newBuilder(URI.create("http://" + host
          + "/computeMetadata/v1/instance/service-accounts/default/token")).header("Metadata-Flavor", "Google")
          .timeout(Duration.ofSeconds(3)).GET().build();
    } else if ("service_account".equals(key.path("type").asText())) {
      String uri = key.path("token_uri").asText(GOOGLE_TOKEN_URI);
      request = form(uri, Map.of("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer",
          "assertion", jwt(key, uri)));
    } else if ("authorized_user".equals(key.path("type").asText())) {
      request = form(key.path("token_uri").asText(GOOGLE_TOKEN_URI), Map.of("grant_type", "refresh_token",
          "client_id", key.path("client_id").asText(), "client_secret", key.path("client_secret").asText(),
          "refresh_token", key.path("refresh_token").asText()));
    } else {
      throw new ProviderException(Kind.CREDENTIALS, source.shown() + " is not a service-account key or an "
          + "application-default credentials file (type '" + key.path("type").asText() + "')");
    }
    HttpResponse<String> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      if (key == null) {
        throw new ProviderException(Kind.CREDENTIALS, "no Google credentials found: set --credentials-file or "
            + "GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run gcloud auth application-default "
            + "login", e);
      }
      throw new ProviderException(Kind.NETWORK, "cannot reach the token endpoint " + request.uri().getHost()
          + " of " + source.shown() + ": " + GcpApi.rootMessage(e) + "; check the network or a proxy", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(Kind.EXPORT_FAILED, "interrupted while fetching an access token", e);
    }
    JsonNode body;
    try {
      body = JSON.readTree(r.body());
    } catch (IOException e) {
      body = JSON.createObjectNode();
    }
    if (r.statusCode() != 200 || !body.hasNonNull("access_token")) {
      String why = body.path("error").isTextual() ? body.path("error").asText()
          + (body.hasNonNull("error_description") ? ": " + body.path("error_description").asText() : "")
          : "HTTP " + r.statusCode();
      throw new ProviderException(Kind.CREDENTIALS, "Google refused the credentials of " + source.shown() + " ("
          + why + "): check --credentials-file or GOOGLE_APPLICATION_CREDENTIALS (is the key deleted or disabled?), "
          + "or run gcloud auth application-default login");
    }
    token = body.path("access_token").asText();
    expires = Instant.now().plusSeconds(body.path("expires_in").asLong(3600));
    return token;
  }

  private static JsonNode read(Path file) throws ProviderException {
    try {
      return JSON.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new ProviderException(Kind.CREDENTIALS, "cannot read the credentials file " + file + ": "
          + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : GcpApi.firstLine(e.getMessage()))
          + " (a service-account key is a JSON file: IAM > Service accounts > Keys)", e);
    }
  }

  private static HttpRequest form(String uri, Map<String, String> fields) throws ProviderException {
    String body = fields.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(),
        StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    try {
      return HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(60))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    } catch (IllegalArgumentException e) {
      throw new ProviderException(Kind.CREDENTIALS, "the credentials file's token_uri '" + uri + "' is not a URL");
    }
  }

  /** A JWT assertion signed with the service account's key (RS256), as the OAuth 2.0 JWT bearer grant takes. */
  private String jwt(JsonNode key, String audience) throws ProviderException {
    long now = Instant.now().getEpochSecond();
    ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT");
    if (key.hasNonNull("private_key_id")) {
      header.put("kid", key.path("private_key_id").asText());
    }
    ObjectNode claims = JSON.createObjectNode().put("iss", key.path("client_email").asText()).put("scope", SCOPE)
        .put("aud", audience).put("iat", now).put("exp", now + 3600);
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signed = b64.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
    try {
      String pem = key.path("private_key").asText().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      PrivateKey pk = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
          Base64.getDecoder().decode(pem)));
      Signature sig = Signature.getInstance("SHA256withRSA");
      sig.initSign(pk);
      sig.update(signed.getBytes(StandardCharsets.UTF_8));
      return signed + "." + b64.encodeToString(sig.sign());
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new ProviderException(Kind.CREDENTIALS, "the private_key of " + source.shown() + " is not an RSA key in "
          + "PKCS#8 PEM: download a new JSON key for the service account", e);
    }
  }
}
