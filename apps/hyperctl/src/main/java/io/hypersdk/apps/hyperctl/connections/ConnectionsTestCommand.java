package io.hypersdk.apps.hyperctl.connections;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.apps.hyperctl.client.HypervisordClient;
import io.hypersdk.apps.hyperctl.jobs.ApiCommand;
import io.hypersdk.cli.ExitCode;
import io.hypersdk.cli.ExitCodes;
import io.hypersdk.cli.JsonOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code hyperctl connections test NAME}: hypervisord logs in with the connection and says what answered. */
@Command(name = "test", mixinStandardHelpOptions = true,
    description = "Logs in with a named connection (on hypervisord's host) and prints the server's version.")
@ExitCodes(value = {ExitCode.OK, ExitCode.INTERNAL, ExitCode.USAGE, ExitCode.NOT_FOUND, ExitCode.ENVIRONMENT,
    ExitCode.UNREACHABLE}, details = {"0:the login worked", "3:no such connection",
    "6:the login failed (the reason is printed)"})
final class ConnectionsTestCommand extends ApiCommand {
  @Parameters(paramLabel = "NAME", description = "the connection's name")
  String name;

  @Mixin
  JsonOutput json;

  @Override
  protected int run(HypervisordClient client) throws Exception {
    JsonNode r = client.testConnection(name);
    boolean ok = r.path("ok").asBoolean();
    if (json.enabled()) {
      JsonOutput.print(out(), r);
    } else if (ok) {
      out().println(name + ": ok, " + r.path("server").asText());
      out().flush();
    } else {
      err().println("hyperctl: " + name + ": " + r.path("error").asText());
    }
    return ok ? 0 : ExitCode.ENVIRONMENT.code();
  }
}
