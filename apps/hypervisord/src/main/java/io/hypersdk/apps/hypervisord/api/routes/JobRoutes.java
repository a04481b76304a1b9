package io.hypersdk.apps.hypervisord.api.routes;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.apps.hypervisord.api.ApiException;
import io.hypersdk.apps.hypervisord.api.ApiRoute;
import io.hypersdk.apps.hypervisord.api.RequestBodies;
import io.hypersdk.jobs.JobService;
import io.hypersdk.jobs.model.Job;
import io.hypersdk.jobs.model.JobStatus;
import io.hypersdk.jobs.model.LogLine;
import io.hypersdk.jobs.store.JobStore;
import io.hypersdk.jobs.submit.InvalidJobException;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/** Job routes: submit, list, get, cancel and logs. Handlers validate, call {@link JobService}, answer. */
public final class JobRoutes {
  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;

  private final JobService jobs;
  private final RequestBodies bodies;

  public JobRoutes(JobService jobs, RequestBodies bodies) {
    this.jobs = jobs;
    this.bodies = bodies;
  }

  public List<ApiRoute> routes() {
    return List.of(
        ApiRoute.post("/jobs/submit", "Submit one job, {\"jobs\": [...]}, or an array of jobs (JSON, or YAML with "
            + "Content-Type application/yaml)", "JobSubmission", this::submit).returning(JobService.SubmitOutcome.class),
        ApiRoute.get("/jobs", "List jobs, newest first (query: status, limit)", this::list).returning(JobList.class),
        ApiRoute.get("/jobs/{id}", "One job: definition (no password), status, progress, result", this::get)
            .returning(Job.class),
        ApiRoute.post("/jobs/cancel", "Cancel jobs: pending ones at once, running ones are stopped", "CancelRequest",
            this::cancel).returning(JobService.CancelOutcome.class),
        ApiRoute.get("/jobs/{id}/logs", "A job's log lines", this::logs).returning(Logs.class));
  }

  private void submit(Context ctx) throws InvalidJobException {
    JsonNode body = bodies.tree(ctx);
    if (body.isObject() && !body.has("jobs")) {
      // A single job: an invalid one is a bad request, naming the field.
      Job job = jobs.submit(jobs.validate(body));
      ctx.json(new JobService.SubmitOutcome(List.of(job.id()), 1, 0, List.of(), JobStore.now()));
      return;
    }
    JsonNode list = body.isArray() ? body : body.get("jobs");
    if (list == null || !list.isArray()) {
      throw ApiException.badRequest("jobs", "must be an array of job definitions");
    }
    if (list.isEmpty()) {
      throw ApiException.badRequest("jobs", "is empty");
    }
    List<JsonNode> nodes = new ArrayList<>();
    list.forEach(nodes::add);
    JobService.SubmitOutcome outcome = jobs.submitBatch(nodes);
    ctx.status(outcome.accepted() == 0 ? 400 : 200).json(outcome);
  }

  /** The upstream list answer. */
  record JobList(List<Job> jobs, int total, String timestamp) {}

  private void list(Context ctx) {
    JobStatus status = null;
    String s = ctx.queryParam("status");
    if (s != null && !s.isEmpty()) {
      status = JobStatus.parse(s);
      if (status == null) {
        throw ApiException.badRequest("status", "must be pending, running, completed, failed or cancelled");
      }
    }
    int limit = DEFAULT_LIMIT;
    String l = ctx.queryParam("limit");
    if (l != null && !l.isEmpty()) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("limit", "must be a whole number");
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw ApiException.badRequest("limit", "must be between 1 and " + MAX_LIMIT);
      }
    }
    List<Job> found = jobs.list(status, limit);
    ctx.json(new JobList(found, found.size(), JobStore.now()));
  }

  private void get(Context ctx) {
    ctx.json(job(ctx.pathParam("id")));
  }

  private void cancel(Context ctx) {
    JsonNode body = bodies.tree(ctx);
    JsonNode ids = body.get("job_ids");
    if (ids == null || !ids.isArray() || ids.isEmpty()) {
      throw ApiException.badRequest("job_ids", "must be a non-empty array of job ids");
    }
    List<String> list = new ArrayList<>();
    for (JsonNode id : ids) {
      if (!id.isTextual()) {
        throw ApiException.badRequest("job_ids", "must hold strings");
      }
      list.add(id.asText());
    }
    ctx.json(jobs.cancel(list));
  }

  /** The log answer. */
  record Logs(String jobId, List<LogLine> lines, String timestamp) {}

  private void logs(Context ctx) {
    String id = job(ctx.pathParam("id")).id();
    ctx.json(new Logs(id, jobs.logs(id), JobStore.now()));
  }

  private Job job(String id) {
    return jobs.get(id).orElseThrow(() -> ApiException.notFound("no such job: " + id));
  }
}
