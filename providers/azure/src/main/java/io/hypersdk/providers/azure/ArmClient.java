package io.hypersdk.providers.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.ClientAuthenticationException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Azure Resource Manager over {@code java.net.http} and Jackson (the management SDK does not resolve here). Every
 * call names the RBAC action it needs, so a refusal says which permission is missing; long-running operations
 * are polled through {@code Azure-AsyncOperation}, as ARM's async-operations guide says.
 */
final class ArmClient {
  static final int ATTEMPTS = 4;
  private static final Duration FIRST_POLL = Duration.ofMillis(200);
  private static final Duration MAX_POLL = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final URI base;
  private final String scope;
  private final TokenCredential credential;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
  private AccessToken token;

  ArmClient(URI base, String scope, TokenCredential credential) {
    this.base = base;
    this.scope = scope;
    this.credential = credential;
  }

  /** GET of a resource path (or full id); follows {@code nextLink} when the answer is a {@code value} list. */
  List<JsonNode> list(String path, String apiVersion, String action) throws ProviderException, InterruptedException {
    List<JsonNode> all = new ArrayList<>();
    URI next = uri(path, apiVersion);
    while (next != null) {
      JsonNode page = send("GET", next, null, action).body();
      page.path("value").forEach(all::add);
      next = page.hasNonNull("nextLink") ? URI.create(page.get("nextLink").asText()) : null;
    }
    return all;
  }

  JsonNode get(String path, String apiVersion, String action) throws ProviderException, InterruptedException {
    return send("GET", uri(path, apiVersion), null, action).body();
  }

  /** PUT, then the operation polled until it ends; the resource as ARM returns it when done. */
  JsonNode put(String path, String apiVersion, Object body, String action) throws ProviderException,
      InterruptedException {
    Answer a = send("PUT", uri(path, apiVersion), body, action);
    await(a, action);
    return get(path, apiVersion, action);
  }

  /**
   * POST of an action, then the operation polled until it ends: its {@code properties.output}, or what its
   * {@code Location} answers, or the POST's own body.
   */
  JsonNode post(String path, String apiVersion, Object body, String action) throws ProviderException,
      InterruptedException {
    Answer a = send("POST", uri(path, apiVersion), body, action);
    JsonNode done = await(a, action);
    if (done.path("properties").has("output")) {
      return done.path("properties").path("output");
    }
    if (a.status() == 202 && a.location().isPresent()) {
      return send("GET", a.location().get(), null, action).body();
    }
    return a.body();
  }

  void delete(String path, String apiVersion, String action) throws ProviderException, InterruptedException {
    await(send("DELETE", uri(path, apiVersion), null, action), action);
  }

  private JsonNode await(Answer a, String action) throws ProviderException, InterruptedException {
    if (a.asyncOperation().isEmpty()) {
      return a.body();
    }
    Duration wait = FIRST_POLL;
    while (true) {
      JsonNode op = send("GET", a.asyncOperation().get(), null, action).body();
      String status = op.path("status").asText("");
      switch (status) {
        case "Succeeded" -> {
          return op;
        }
        case "Failed", "Canceled" -> {
          JsonNode e = op.path("error");
          throw AzureErrors.map(200, e.path("code").asText(null), e.path("message").asText(status), action);
        }
        default -> {
          Thread.sleep(wait.toMillis());
          wait = wait.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : wait.multipliedBy(2);
        }
      }
    }
  }

  /** An ARM answer: status, body, and the headers of a long-running operation. */
  private record Answer(int status, JsonNode body, Optional<URI> asyncOperation, Optional<URI> location) {}

  private Answer send(String method, URI uri, Object body, String action) throws ProviderException,
      InterruptedException {
    long backoff = 200;
    String problem = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
          .header("Authorization", "Bearer " + token(action)).header("Accept", "application/json");
      try {
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        if (body != null) {
          b.header("Content-Type", "application/json");
        }
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode json = r.body().length == 0 ? MissingNode.getInstance() : parse(r.body());
        int s = r.statusCode();
        if (s < 300) {
          return new Answer(s, json, r.headers().firstValue("Azure-AsyncOperation").map(URI::create),
              r.headers().firstValue("Location").map(URI::create));
        }
        JsonNode e = json.path("error");
        ProviderException mapped = AzureErrors.map(s, e.path("code").asText(null), e.path("message").asText(null),
            action);
        if (s != 429 && s < 500) {
          throw mapped;
        }
        problem = mapped.getMessage();
        long after = r.headers().firstValueAsLong("Retry-After").orElse(0) * 1000;
        backoff = Math.max(backoff, Math.min(after, 30_000));
      } catch (IOException e) {
        problem = "cannot reach Azure Resource Manager at " + base + " calling " + action + ": "
            + (e.getMessage() == null ? e.getClass().getSimpleName() : AzureErrors.firstLine(e.getMessage()))
            + "; check the network, a proxy, or --arm-endpoint";
        if (attempt == ATTEMPTS) {
          throw new ProviderException(Kind.NETWORK, problem, e);
        }
      }
      if (attempt < ATTEMPTS) {
        Thread.sleep(backoff);
        backoff *= 2;
      }
    }
    throw new ProviderException(Kind.EXPORT_FAILED, problem);
  }

  private static JsonNode parse(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  private synchronized String token(String action) throws ProviderException {
    if (token == null || token.getExpiresAt().isBefore(OffsetDateTime.now().plusMinutes(2))) {
      try {
        token = credential.getTokenSync(new TokenRequestContext().addScopes(scope));
      } catch (ClientAuthenticationException e) {
        throw new ProviderException(Kind.CREDENTIALS, "no Azure token for " + scope + " calling " + action + ": "
            + AzureErrors.firstLine(e.getMessage()) + "; check --credential and its settings, or sign in (az login)");
      } catch (RuntimeException e) {
        throw new ProviderException(Kind.CREDENTIALS, "no Azure token for " + scope + " calling " + action + ": "
            + AzureErrors.firstLine(e.getMessage()));
      }
      if (token == null) {
        throw new ProviderException(Kind.CREDENTIALS, "no Azure token for " + scope + " calling " + action
            + ": the credential gave none; check --credential");
      }
    }
    return token.getToken();
  }

  private URI uri(String path, String apiVersion) {
    String p = path.startsWith("/") ? path : "/" + path;
    return URI.create(base + p + (p.contains("?") ? "&" : "?") + "api-version=" + apiVersion);
  }
}
