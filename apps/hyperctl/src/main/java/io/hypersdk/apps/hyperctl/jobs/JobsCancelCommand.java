package io.hypersdk.apps.hyperctl.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.apps.hyperctl.client.HypervisordClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hyperctl jobs cancel ID...}: cancels jobs; a running one is stopped and ends cancelled. */
@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancels jobs.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every job cancelled (or being stopped)", "2:usage error",
        "4:some job could not be cancelled (already final, unknown)", "5:hypervisord unreachable or refused the request"})
final class JobsCancelCommand extends ApiCommand {
  @Parameters(paramLabel = "ID", arity = "1..*", description = "the jobs' ids")
  List<String> ids;

  @Option(names = "--json", description = "print hypervisord's JSON answer")
  boolean json;

  @Override
  protected int run(HypervisordClient client) throws Exception {
    JsonNode answer = client.cancel(ids);
    if (json) {
      printJson(answer);
    } else {
      answer.path("cancelled").forEach(id -> out().println("cancelled " + id.asText()));
      answer.path("failed").forEach(id -> out().println("not cancelled " + id.asText() + ": "
          + answer.path("errors").path(id.asText()).asText("")));
      out().flush();
    }
    return answer.path("failed").isEmpty() ? 0 : EXIT_JOB_FAILED;
  }
}
