package io.hypersdk.apps.hyperctl.connections;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.apps.hyperctl.TextTable;
import io.hypersdk.apps.hyperctl.client.HypervisordClient;
import io.hypersdk.apps.hyperctl.jobs.ApiCommand;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hyperctl connections list}: name, provider, settings (never a secret) and which secrets have a file. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists hypervisord's named connections.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:listed", "2:usage error", "5:hypervisord unreachable or refused the request"})
final class ConnectionsListCommand extends ApiCommand {
  @Option(names = "--json", description = "print hypervisord's JSON answer")
  boolean json;

  @Override
  protected int run(HypervisordClient client) throws Exception {
    JsonNode all = client.connections();
    if (json) {
      printJson(all);
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
