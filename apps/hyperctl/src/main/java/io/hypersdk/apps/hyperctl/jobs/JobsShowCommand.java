package io.hypersdk.apps.hyperctl.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.apps.hyperctl.client.HypervisordClient;
import io.hypersdk.cli.JsonOutput;
import java.io.PrintWriter;
import io.hypersdk.cli.ExitCode;
import io.hypersdk.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hyperctl jobs show ID}: one job's definition, status, progress and result. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Shows one job.")
@ExitCodes({ExitCode.OK, ExitCode.INTERNAL, ExitCode.USAGE, ExitCode.NOT_FOUND, ExitCode.UNREACHABLE})
final class JobsShowCommand extends ApiCommand {
  @Parameters(paramLabel = "ID", description = "the job's id")
  String id;

  @Mixin
  JsonOutput json;

  @Override
  protected int run(HypervisordClient client) throws Exception {
    JsonNode job = client.get(id);
    if (json.enabled()) {
      JsonOutput.print(out(), job);
      return 0;
    }
    PrintWriter out = out();
    JsonNode d = job.path("definition");
    JsonNode r = job.path("result");
    line(out, "id", job.path("id").asText());
    line(out, "name", d.path("name").asText(null));
    line(out, "status", job.path("status").asText());
    line(out, "progress", JobText.phase(job) == null ? null : JobText.phase(job) + " " + JobText.percent(job));
    line(out, "provider", d.path("provider").asText(null));
    line(out, "vm", d.path("vm_path").asText(null));
    line(out, "output", d.path("output_dir").asText(null));
    line(out, "format", d.path("format").asText(null));
    line(out, "created", job.path("created_at").asText(null));
    line(out, "started", job.path("started_at").asText(null));
    line(out, "completed", job.path("completed_at").asText(null));
    line(out, "pipeline", r.path("pipeline_mode").asText(null));
    line(out, "pipeline reason", r.path("pipeline_reason").asText(null));
    line(out, "libvirt domain", r.path("libvirt_domain").asText(null));
    for (JsonNode o : r.path("outputs")) {
      line(out, "output file", o.isTextual() ? o.asText() : o.toString());
    }
    line(out, "error", job.hasNonNull("error") ? job.get("error").asText() : r.path("error").asText(null));
    out.flush();
    return 0;
  }

  private static void line(PrintWriter out, String label, String value) {
    if (value != null && !value.isBlank()) {
      out.printf("%-16s %s%n", label + ":", value);
    }
  }
}
