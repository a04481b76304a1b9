package io.hypersdk.apps.hyperctl.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.apps.hyperctl.client.HypervisordClient;
import io.hypersdk.cli.ExitCode;
import io.hypersdk.cli.ExitCodes;
import io.hypersdk.cli.JsonOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hyperctl jobs logs ID}: a job's log lines. */
@Command(name = "logs", mixinStandardHelpOptions = true, description = "Prints a job's log lines.")
@ExitCodes({ExitCode.OK, ExitCode.INTERNAL, ExitCode.USAGE, ExitCode.NOT_FOUND, ExitCode.UNREACHABLE})
final class JobsLogsCommand extends ApiCommand {
  @Parameters(paramLabel = "ID", description = "the job's id")
  String id;

  @Mixin
  JsonOutput json;

  @Override
  protected int run(HypervisordClient client) throws Exception {
    JsonNode logs = client.logs(id);
    if (json.enabled()) {
      JsonOutput.print(out(), logs);
      return 0;
    }
    for (JsonNode l : logs.path("lines")) {
      out().println(l.path("at").asText() + " " + l.path("level").asText() + " " + l.path("message").asText());
    }
    out().flush();
    return 0;
  }
}
