package io.hypersdk.apps.hypervisord.api.routes;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.hypersdk.apps.hypervisord.api.ApiException;
import io.hypersdk.apps.hypervisord.api.ApiRoute;
import io.hypersdk.jobs.JobService;
import io.hypersdk.jobs.events.JobEventBus;
import io.hypersdk.jobs.model.Job;
import io.hypersdk.jobs.model.JobEvent;
import io.hypersdk.jobs.model.JobJson;
import io.hypersdk.jobs.model.JobStatus;
import io.hypersdk.jobs.store.JobStore;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Live job events as Server-Sent Events: {@code event: status|progress|log}, {@code data:} the JSON. A job's
 * stream starts with its current state and ends after its final status; the global stream runs until the
 * client leaves. Each stream is served by its own request thread, fed through a queue, so a slow client
 * never holds up a job.
 */
public final class EventRoutes {
  private static final long KEEPALIVE_SECONDS = 15;

  private final JobService jobs;
  private final JobEventBus bus;

  public EventRoutes(JobService jobs, JobEventBus bus) {
    this.jobs = jobs;
    this.bus = bus;
  }

  public List<ApiRoute> routes() {
    return List.of(
        new ApiRoute(HandlerType.GET, "/jobs/{id}/events", "A job's live events (SSE), starting with its state",
            true, ApiRoute.EVENT_STREAM, null, JobEvent.class, this::jobEvents),
        new ApiRoute(HandlerType.GET, "/events", "Every job's live events (SSE)", true, ApiRoute.EVENT_STREAM, null,
            JobEvent.class, this::allEvents));
  }

  private void jobEvents(Context ctx) throws Exception {
    String id = ctx.pathParam("id");
    Job job = jobs.get(id).orElseThrow(() -> ApiException.notFound("no such job: " + id));
    requireEventStream(ctx);
    new SseHandler(client -> stream(client, id, job)).handle(ctx);
  }

  private void allEvents(Context ctx) throws Exception {
    requireEventStream(ctx);
    new SseHandler(client -> stream(client, null, null)).handle(ctx);
  }

  /** Javalin answers an empty 200 to a client that does not accept an event stream; say what is missing instead. */
  private static void requireEventStream(Context ctx) {
    String accept = ctx.header("Accept");
    if (accept == null || !accept.contains(ApiRoute.EVENT_STREAM)) {
      throw new ApiException(406, "Accept", "Accept: send 'Accept: text/event-stream' to receive the event stream");
    }
  }

  private void stream(SseClient client, String jobId, Job snapshot) {
    BlockingQueue<JobEvent> queue = new LinkedBlockingQueue<>();
    AutoCloseable sub = bus.subscribe(e -> {
      if (jobId == null || jobId.equals(e.jobId())) {
        queue.add(e);
      }
    });
    try {
      client.sendComment("connected");
      if (snapshot != null) {
        // Read again after subscribing, so no change between the two is lost.
        Job now = jobs.get(jobId).orElse(snapshot);
        send(client, new JobEvent(JobEvent.Type.JOB, jobId, JobStore.now(), now));
        if (JobStatus.parse(now.status()).isFinal()) {
          return;
        }
      }
      while (!client.terminated()) {
        JobEvent e = queue.poll(KEEPALIVE_SECONDS, TimeUnit.SECONDS);
        if (e == null) {
          client.sendComment("keep-alive");
          continue;
        }
        send(client, e);
        if (jobId != null && e.type() == JobEvent.Type.STATUS && JobStatus.parse((String) e.data()).isFinal()) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // The client went away; nothing to tell it.
    } finally {
      try {
        sub.close();
      } catch (Exception ignored) {
        // Removing a listener cannot fail.
      }
      client.close();
    }
  }

  private static void send(SseClient client, JobEvent e) throws JsonProcessingException {
    client.sendEvent(e.type().wireName(), JobJson.json().writeValueAsString(e), null);
  }
}
