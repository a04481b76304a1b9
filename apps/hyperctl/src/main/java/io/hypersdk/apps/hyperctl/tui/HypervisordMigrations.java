package io.hypersdk.apps.hyperctl.tui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hypersdk.apps.hyperctl.client.HypervisordClient;
import io.hypersdk.apps.hyperctl.client.HypervisordException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Submits one hypervisord job per VM in one request, then follows each job ({@code GET /jobs/ID}) until all
 * have ended. Interrupting the thread cancels the jobs that have not ended and keeps following them until
 * hypervisord says they are cancelled.
 */
final class HypervisordMigrations implements Runnable {
  private static final Duration POLL = Duration.ofSeconds(1);
  private static final Set<String> FINAL = Set.of("completed", "failed", "cancelled");
  private final HypervisordClient client;
  private final List<ObjectNode> jobs;
  private final List<VmRun> runs;

  /** {@code jobs} are the job definitions, one per run, in the same order. */
  HypervisordMigrations(HypervisordClient client, List<ObjectNode> jobs, List<VmRun> runs) {
    this.client = client;
    this.jobs = List.copyOf(jobs);
    this.runs = List.copyOf(runs);
  }

  @Override
  public void run() {
    List<String> ids;
    try {
      ids = submit();
    } catch (HypervisordException e) {
      runs.forEach(r -> r.finished(VmOutcome.failed(e.getMessage())));
      return;
    } catch (InterruptedException e) {
      runs.forEach(r -> r.finished(VmOutcome.cancelled()));
      return;
    }
    if (ids == null) {
      return;
    }
    boolean cancelling = false;
    while (runs.stream().anyMatch(r -> !r.ended())) {
      try {
        for (int i = 0; i < runs.size(); i++) {
          if (!runs.get(i).ended()) {
            follow(runs.get(i), client.get(ids.get(i)));
          }
        }
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        if (!cancelling) {
          cancelling = true;
          cancelUnfinished(ids);
        }
      } catch (HypervisordException e) {
        runs.stream().filter(r -> !r.ended()).forEach(r -> r.finished(VmOutcome.failed(e.getMessage())));
      }
    }
  }

  /** The job ids in run order, or null after marking every run failed when hypervisord refused some. */
  private List<String> submit() throws HypervisordException, InterruptedException {
    ArrayNode all = JsonNodeFactory.instance.arrayNode();
    jobs.forEach(all::add);
    JsonNode answer = client.submit(JsonNodeFactory.instance.objectNode().set("jobs", all));
    List<String> ids = new ArrayList<>();
    answer.path("job_ids").forEach(id -> ids.add(id.asText()));
    if (answer.path("rejected").asInt() > 0 || ids.size() != runs.size()) {
      List<String> errors = new ArrayList<>();
      answer.path("errors").forEach(e -> errors.add(e.asText()));
      String why = "hypervisord refused the jobs: " + String.join("; ", errors);
      runs.forEach(r -> r.finished(VmOutcome.failed(why)));
      return null;
    }
    for (int i = 0; i < runs.size(); i++) {
      runs.get(i).phase("submitted");
      runs.get(i).message("hypervisord job " + ids.get(i));
    }
    return ids;
  }

  private static void follow(VmRun run, JsonNode job) {
    String status = job.path("status").asText();
    if (FINAL.contains(status)) {
      run.finished(VmOutcome.ofJob(job));
      return;
    }
    JsonNode p = job.path("progress");
    String phase = p.path("phase").asText("");
    run.phase(phase.isEmpty() ? status : status + ": " + phase);
    if (p.has("percent_complete")) {
      run.percent((int) Math.round(p.path("percent_complete").asDouble()));
    }
    run.message("hypervisord job " + job.path("id").asText());
  }

  private void cancelUnfinished(List<String> ids) {
    List<String> open = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      if (!runs.get(i).ended()) {
        open.add(ids.get(i));
        runs.get(i).phase("cancelling");
      }
    }
    try {
      client.cancel(open);
    } catch (HypervisordException | InterruptedException e) {
      runs.stream().filter(r -> !r.ended()).forEach(r -> r.message("cannot cancel: " + e.getMessage()));
    }
  }
}
