package io.hypersdk.apps.hyperctl.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.hypersdk.apps.hyperctl.client.HypervisordClient;
import io.hypersdk.apps.hyperctl.client.HypervisordClient.Event;
import io.hypersdk.apps.hyperctl.client.HypervisordException;
import io.hypersdk.cli.ExitCode;
import io.hypersdk.cli.ExitCodes;
import io.hypersdk.cli.JsonOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hyperctl jobs watch ID}: follows a job's live events until it ends; the exit code says how it ended,
 * so a script can wait on a job.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = "Follows a job's live progress until it ends (a progress bar on a terminal, progress lines otherwise).")
@ExitCodes(value = {ExitCode.OK, ExitCode.INTERNAL, ExitCode.USAGE, ExitCode.NOT_FOUND, ExitCode.JOB_FAILED,
    ExitCode.UNREACHABLE}, details = {"0:the job completed", "10:the job failed or was cancelled",
    "11:hypervisord unreachable, or the stream broke off before the job ended"})
final class JobsWatchCommand extends ApiCommand {
  @Parameters(paramLabel = "ID", description = "the job's id")
  String id;

  @Mixin
  JsonOutput json;

  @Override
  protected int run(HypervisordClient client) throws Exception {
    String[] last = {null};
    try (ProgressView view = json.enabled() ? null : ProgressView.open(id, out())) {
      client.events(id, e -> {
        String status = statusOf(e);
        if (status != null) {
          last[0] = status;
        }
        if (json.enabled()) {
          JsonOutput.printLine(out(), JsonNodeFactory.instance.objectNode().put("type", e.type())
              .put("job_id", e.jobId()).put("at", e.at()).set("data", e.data()));
        } else {
          view.show(e);
        }
      });
    }
    String status = last[0];
    JsonNode job = null;
    if (status == null || !JobText.isFinal(status)) {
      // The stream ended without a final status (hypervisord stopping): ask once for where the job stands.
      job = client.get(id);
      status = job.path("status").asText();
      if (!JobText.isFinal(status)) {
        throw new HypervisordException(0, "the event stream of job " + id + " ended while the job is " + status);
      }
    }
    if ("completed".equals(status)) {
      if (!json.enabled()) {
        out().println("job " + id + " completed");
        out().flush();
      }
      return 0;
    }
    if (!json.enabled()) {
      JsonNode j = job != null ? job : client.get(id);
      String error = j.hasNonNull("error") ? j.get("error").asText() : j.path("result").path("error").asText(null);
      err().println("hyperctl: job " + id + " " + status + (error == null ? "" : ": " + error));
      err().flush();
    }
    return ExitCode.JOB_FAILED.code();
  }

  /** The status an event tells: the snapshot's status, or the new status. */
  private static String statusOf(Event e) {
    if ("job".equals(e.type())) {
      return e.data().path("status").asText(null);
    }
    return "status".equals(e.type()) ? e.data().asText(null) : null;
  }
}
