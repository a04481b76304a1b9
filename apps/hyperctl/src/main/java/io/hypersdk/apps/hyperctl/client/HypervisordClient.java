package io.hypersdk.apps.hyperctl.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * hypervisord's job API over HTTP (java.net.http): submit, list, get, cancel, logs and a job's live events.
 * Answers are the API's JSON; every failure is a {@link HypervisordException} with one line a person can act on.
 */
public final class HypervisordClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ConnectionSettings settings;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

  public HypervisordClient(ConnectionSettings settings) {
    this.settings = settings;
  }

  /** One live event of a job's stream: {@code job} (its state at the start), {@code status}, {@code progress} or {@code log}. */
  public record Event(String type, String jobId, String at, JsonNode data) {}

  /** Submits one job, {@code {"jobs": [...]}} or an array; answers {@code {job_ids, accepted, rejected, errors}}. */
  public JsonNode submit(JsonNode jobOrJobs) throws HypervisordException, InterruptedException {
    return send(post("/jobs/submit", jobOrJobs), true);
  }

  /** Jobs, newest first; {@code status} and {@code limit} may be null. */
  public JsonNode list(String status, Integer limit) throws HypervisordException, InterruptedException {
    StringBuilder q = new StringBuilder();
    if (status != null) {
      q.append("status=").append(URLEncoder.encode(status, StandardCharsets.UTF_8));
    }
    if (limit != null) {
      q.append(q.length() == 0 ? "" : "&").append("limit=").append(limit);
    }
    return send(request("/jobs" + (q.length() == 0 ? "" : "?" + q)).GET().build(), false);
  }

  /** {@code GET /connections}: the daemon's named connections, without secrets. */
  public JsonNode connections() throws HypervisordException, InterruptedException {
    return send(request("/connections").GET().build(), false);
  }

  /** {@code POST /connections/NAME/test}: logs in with the connection; {@code ok} and the server, or the error. */
  public JsonNode testConnection(String name) throws HypervisordException, InterruptedException {
    return send(request("/connections/" + segment(name) + "/test").POST(HttpRequest.BodyPublishers.noBody())
        .build(), false);
  }

  /** {@code GET /providers}: the daemon's providers with their settings schema. */
  public JsonNode providers() throws HypervisordException, InterruptedException {
    return send(request("/providers").GET().build(), false);
  }

  /**
   * {@code POST /providers/PROVIDER/vms} for a named connection: the VMs hypervisord sees through it, each with
   * {@code path}, {@code name}, {@code power_state}, {@code cpus}, {@code memory_mib} and {@code disks}.
   */
  public JsonNode vms(String provider, String connection) throws HypervisordException, InterruptedException {
    return send(post("/providers/" + segment(provider) + "/vms", JsonNodeFactory.instance.objectNode()
        .put("connection", connection)), false);
  }

  public JsonNode get(String id) throws HypervisordException, InterruptedException {
    return send(request("/jobs/" + segment(id)).GET().build(), false);
  }

  /** Cancels jobs; answers {@code {cancelled, failed, errors}}. */
  public JsonNode cancel(List<String> ids) throws HypervisordException, InterruptedException {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ids.forEach(body.putArray("job_ids")::add);
    return send(post("/jobs/cancel", body), false);
  }

  /** A job's log: {@code {job_id, lines: [{seq, at, level, message}]}}. */
  public JsonNode logs(String id) throws HypervisordException, InterruptedException {
    return send(request("/jobs/" + segment(id) + "/logs").GET().build(), false);
  }

  /**
   * Follows a job's event stream, handing each event to {@code onEvent}, until the server ends it (after the
   * job's final status) or the thread is interrupted.
   */
  public void events(String id, Consumer<Event> onEvent) throws HypervisordException, InterruptedException {
    HttpRequest r = authorized(HttpRequest.newBuilder(uri("/jobs/" + segment(id) + "/events")))
        .header("Accept", "text/event-stream").GET().build();
    HttpResponse<Stream<String>> res = exchange(r, HttpResponse.BodyHandlers.ofLines());
    if (res.statusCode() != 200) {
      String body;
      try (Stream<String> lines = res.body()) {
        body = String.join("\n", lines.toList());
      }
      throw failure(res.statusCode(), body);
    }
    try (Stream<String> lines = res.body()) {
      String type = null;
      StringBuilder data = new StringBuilder();
      for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
        String line = it.next();
        if (line.isEmpty()) {
          if (data.length() > 0) {
            onEvent.accept(event(type, data.toString()));
          }
          type = null;
          data.setLength(0);
        } else if (line.startsWith("event:")) {
          type = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          data.append(data.length() == 0 ? "" : "\n").append(line.substring(5).stripLeading());
        }
      }
    } catch (java.io.UncheckedIOException e) {
      throw new HypervisordException(0, "the event stream from " + settings.url() + " broke off: "
          + e.getCause().getMessage());
    }
  }

  private static Event event(String type, String data) throws HypervisordException {
    try {
      JsonNode n = JSON.readTree(data);
      return new Event(type != null ? type : n.path("type").asText(null), n.path("job_id").asText(null),
          n.path("at").asText(null), n.path("data"));
    } catch (IOException e) {
      throw new HypervisordException(0, "hypervisord sent an event that is not JSON: " + firstLine(data));
    }
  }

  private HttpRequest post(String path, JsonNode body) throws HypervisordException {
    try {
      return request(path).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
    } catch (IOException e) {
      throw new HypervisordException(0, "cannot encode the request: " + e.getMessage());
    }
  }

  private HttpRequest.Builder request(String path) {
    return authorized(HttpRequest.newBuilder(uri(path)).timeout(REQUEST_TIMEOUT));
  }

  private HttpRequest.Builder authorized(HttpRequest.Builder b) {
    return settings.token() == null ? b : b.header("Authorization", "Bearer " + settings.token());
  }

  private URI uri(String path) {
    return URI.create(settings.url() + path);
  }

  /**
   * Sends and reads the JSON answer. A refused batch submission (400 with {@code job_ids}) is an answer,
   * not an error, when {@code rejectionIsAnswer}: its {@code errors} say what was wrong with each job.
   */
  private JsonNode send(HttpRequest r, boolean rejectionIsAnswer) throws HypervisordException, InterruptedException {
    HttpResponse<String> res = exchange(r, HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() == 200 || (rejectionIsAnswer && res.statusCode() == 400 && hasField(res.body(), "job_ids"))) {
      try {
        return JSON.readTree(res.body());
      } catch (IOException e) {
        throw new HypervisordException(res.statusCode(), "hypervisord at " + settings.url()
            + " answered something that is not JSON: " + firstLine(res.body()));
      }
    }
    throw failure(res.statusCode(), res.body());
  }

  private <T> HttpResponse<T> exchange(HttpRequest r, HttpResponse.BodyHandler<T> handler)
      throws HypervisordException, InterruptedException {
    try {
      return http.send(r, handler);
    } catch (ConnectException e) {
      throw unreachable("connection refused");
    } catch (HttpConnectTimeoutException e) {
      throw unreachable("no connection within " + CONNECT_TIMEOUT.toSeconds() + " s");
    } catch (HttpTimeoutException e) {
      throw unreachable("no answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
    } catch (IOException e) {
      throw unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : firstLine(e.getMessage()));
    }
  }

  private HypervisordException unreachable(String why) {
    return new HypervisordException(0, "cannot reach hypervisord at " + settings.url() + ": " + why);
  }

  private HypervisordException failure(int status, String body) {
    if (status == 401) {
      return new HypervisordException(status, "hypervisord refused the token (401); check --token-file or HYPERCTL_TOKEN");
    }
    String error = null;
    try {
      error = JSON.readTree(body).path("error").asText(null);
    } catch (IOException notJson) {
      // The status alone then says what went wrong.
    }
    String message = "hypervisord answered " + status
        + (error != null ? ": " + firstLine(error) : body.isBlank() ? "" : ": " + firstLine(body));
    return new HypervisordException(status, message, error != null ? firstLine(error) : message);
  }

  private static boolean hasField(String body, String field) {
    try {
      return JSON.readTree(body).has(field);
    } catch (IOException e) {
      return false;
    }
  }

  private static String segment(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String firstLine(String s) {
    return s.strip().lines().findFirst().orElse("");
  }
}
