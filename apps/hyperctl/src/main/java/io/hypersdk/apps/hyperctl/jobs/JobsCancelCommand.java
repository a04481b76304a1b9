package io.hypersdk.apps.hyperctl.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.apps.hyperctl.client.HypervisordClient;
import io.hypersdk.cli.JsonOutput;
import java.util.List;
import io.hypersdk.cli.ExitCode;
import io.hypersdk.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hyperctl jobs cancel ID...}: cancels jobs; a running one is stopped and ends cancelled. */
@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancels jobs.")
@ExitCodes({ExitCode.OK, ExitCode.INTERNAL, ExitCode.USAGE, ExitCode.JOB_FAILED, ExitCode.UNREACHABLE})
final class JobsCancelCommand extends ApiCommand {
  @Parameters(paramLabel = "ID", arity = "1..*", description = "the jobs' ids")
  List<String> ids;

  @Mixin
  JsonOutput json;

  @Override
  protected int run(HypervisordClient client) throws Exception {
    JsonNode answer = client.cancel(ids);
    if (json.enabled()) {
      JsonOutput.print(out(), answer);
    } else {
      answer.path("cancelled").forEach(id -> out().println("cancelled " + id.asText()));
      answer.path("failed").forEach(id -> out().println("not cancelled " + id.asText() + ": "
          + answer.path("errors").path(id.asText()).asText("")));
      out().flush();
    }
    return answer.path("failed").isEmpty() ? 0 : ExitCode.JOB_FAILED.code();
  }
}
