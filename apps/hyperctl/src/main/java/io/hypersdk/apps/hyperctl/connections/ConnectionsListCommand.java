package io.hypersdk.apps.hyperctl.connections;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.apps.hyperctl.TextTable;
import io.hypersdk.apps.hyperctl.client.HypervisordClient;
import io.hypersdk.apps.hyperctl.jobs.ApiCommand;
import java.util.ArrayList;
import java.util.List;
import io.hypersdk.cli.ExitCode;
import io.hypersdk.cli.ExitCodes;
import io.hypersdk.cli.JsonOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code hyperctl connections list}: name, provider, settings (never a secret) and which secrets have a file. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists hypervisord's named connections.")
@ExitCodes({ExitCode.OK, ExitCode.INTERNAL, ExitCode.USAGE, ExitCode.UNREACHABLE})
final class ConnectionsListCommand extends ApiCommand {
  @Mixin
  JsonOutput json;

  @Override
  protected int run(HypervisordClient client) throws Exception {
    JsonNode all = client.connections();
    if (json.enabled()) {
      JsonOutput.print(out(), all);
      return 0;
    }
    TextTable table = new TextTable("NAME", "PROVIDER", "SETTINGS", "SECRETS FROM FILES");
    for (JsonNode c : all) {
      List<String> settings = new ArrayList<>();
      c.path("settings").properties().forEach(e -> settings.add(e.getKey() + "=" + e.getValue().asText()));
      List<String> secrets = new ArrayList<>();
      c.path("secrets").forEach(s -> secrets.add(s.asText()));
      table.row(c.path("name").asText(), c.path("provider").asText(), String.join(" ", settings),
          String.join(" ", secrets));
    }
    table.print(out());
    out().flush();
    return 0;
  }
}
