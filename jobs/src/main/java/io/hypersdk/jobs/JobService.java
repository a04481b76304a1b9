package io.hypersdk.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.jobs.model.Job;
import io.hypersdk.jobs.model.JobStatus;
import io.hypersdk.jobs.model.LogLine;
import io.hypersdk.jobs.runner.JobRunner;
import io.hypersdk.jobs.store.JobStore;
import io.hypersdk.jobs.submit.InvalidJobException;
import io.hypersdk.jobs.submit.JobParser;
import io.hypersdk.jobs.submit.SubmittedJob;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the API does with jobs: submit (validated), query, cancel. */
public final class JobService {
  private final JobStore store;
  private final JobRunner runner;
  private final JobParser parser;

  public JobService(JobStore store, JobRunner runner, JobParser parser) {
    this.store = store;
    this.runner = runner;
    this.parser = parser;
  }

  /** The upstream submit answer: ids of accepted jobs, counts, and one error line per rejected job. */
  public record SubmitOutcome(List<String> jobIds, int accepted, int rejected, List<String> errors,
      String timestamp) {}

  /** The upstream cancel answer: ids cancelled (or being stopped), ids not cancelled and why. */
  public record CancelOutcome(List<String> cancelled, List<String> failed, Map<String, String> errors,
      String timestamp) {}

  /** Parses one job; the exception names the field at fault. */
  public SubmittedJob validate(JsonNode node) throws InvalidJobException {
    SubmittedJob job = parser.parse(node);
    if (store.get(job.definition().id()).isPresent()) {
      throw new InvalidJobException("id", "job " + job.definition().id() + " already exists");
    }
    return job;
  }

  /**
   * Submits a batch: each valid job is accepted, each invalid one rejected with its error
   * ({@code jobs[N].FIELD: reason}).
   */
  public SubmitOutcome submitBatch(List<JsonNode> nodes) {
    List<String> ids = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      try {
        ids.add(submit(validate(nodes.get(i))).id());
      } catch (InvalidJobException e) {
        errors.add(e.under("jobs[" + i + "]").getMessage());
      }
    }
    return new SubmitOutcome(ids, ids.size(), errors.size(), errors, JobStore.now());
  }

  public Job submit(SubmittedJob job) {
    return runner.submit(job.definition(), job.secrets());
  }

  public CancelOutcome cancel(List<String> ids) {
    List<String> cancelled = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    Map<String, String> errors = new LinkedHashMap<>();
    for (String id : ids) {
      switch (runner.cancel(id)) {
        case CANCELLED, STOPPING -> cancelled.add(id);
        case NOT_FOUND -> {
          failed.add(id);
          errors.put(id, "no such job");
        }
        case ALREADY_FINISHED -> {
          failed.add(id);
          errors.put(id, "the job already ended (" + store.get(id).map(Job::status).orElse("unknown") + ")");
        }
      }
    }
    return new CancelOutcome(cancelled, failed, errors, JobStore.now());
  }

  public Optional<Job> get(String id) {
    return store.get(id);
  }

  public List<Job> list(JobStatus status, int limit) {
    return store.list(status, limit);
  }

  public List<LogLine> logs(String id) {
    return store.logs(id);
  }

  public Map<JobStatus, Long> counts() {
    return store.counts();
  }
}
