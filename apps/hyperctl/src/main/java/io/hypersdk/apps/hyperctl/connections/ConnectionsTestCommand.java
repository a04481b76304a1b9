package io.hypersdk.apps.hyperctl.connections;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.apps.hyperctl.client.HypervisordClient;
import io.hypersdk.apps.hyperctl.jobs.ApiCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hyperctl connections test NAME}: hypervisord logs in with the connection and says what answered. */
@Command(name = "test", mixinStandardHelpOptions = true,
    description = "Logs in with a named connection (on hypervisord's host) and prints the server's version.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the login worked", "2:usage error", "4:the login failed (the reason is printed)",
        "5:hypervisord unreachable, no such connection, or request refused"})
final class ConnectionsTestCommand extends ApiCommand {
  @Parameters(paramLabel = "NAME", description = "the connection's name")
  String name;

  @Option(names = "--json", description = "print hypervisord's JSON answer")
  boolean json;

  @Override
  protected int run(HypervisordClient client) throws Exception {
    JsonNode r = client.testConnection(name);
    boolean ok = r.path("ok").asBoolean();
    if (json) {
      printJson(r);
    } else if (ok) {
      out().println(name + ": ok, " + r.path("server").asText());
      out().flush();
    } else {
      err().println("hyperctl: " + name + ": " + r.path("error").asText());
    }
    return ok ? 0 : EXIT_JOB_FAILED;
  }
}
