package io.hypersdk.apps.hyperctl.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.apps.hyperctl.TextTable;
import io.hypersdk.apps.hyperctl.client.HypervisordClient;
import io.hypersdk.cli.ExitCode;
import io.hypersdk.cli.ExitCodes;
import io.hypersdk.cli.JsonOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hyperctl jobs list}: hypervisord's jobs, newest first. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists jobs, newest first.")
@ExitCodes({ExitCode.OK, ExitCode.INTERNAL, ExitCode.USAGE, ExitCode.UNREACHABLE})
final class JobsListCommand extends ApiCommand {
  @Option(names = "--status", paramLabel = "STATUS", description = "only jobs in this status: pending, running, "
      + "completed, failed or cancelled")
  String status;

  @Option(names = "--limit", paramLabel = "N", description = "at most N jobs (1-1000; hypervisord's default: 100)")
  Integer limit;

  @Mixin
  JsonOutput json;

  @Override
  protected int run(HypervisordClient client) throws Exception {
    JsonNode answer = client.list(status, limit);
    if (json.enabled()) {
      JsonOutput.print(out(), answer);
      return 0;
    }
    TextTable t = new TextTable("ID", "STATUS", "PHASE", "PROGRESS", "PROVIDER", "VM", "CREATED");
    for (JsonNode j : answer.path("jobs")) {
      t.row(j.path("id").asText(), j.path("status").asText(), JobText.phase(j), JobText.percent(j),
          j.path("definition").path("provider").asText(null), JobText.vm(j), j.path("created_at").asText(null));
    }
    t.print(out());
    return 0;
  }
}
