package io.hypersdk.apps.hyperctl.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.hypersdk.apps.hyperctl.client.HypervisordClient;
import io.hypersdk.cli.JsonOutput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import io.hypersdk.cli.BootCheckOptions;
import io.hypersdk.cli.ExitCode;
import io.hypersdk.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hyperctl jobs submit}: a job file (one job, {@code {"jobs": [...]}} or an array, JSON or YAML) or one job
 * from flags named after the API's fields.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
    description = "Submits jobs from a JSON/YAML file (-f FILE, '-' for stdin) or one job from flags.")
@ExitCodes({ExitCode.OK, ExitCode.INTERNAL, ExitCode.USAGE, ExitCode.JOB_FAILED, ExitCode.UNREACHABLE})
final class JobsSubmitCommand extends ApiCommand {
  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Mixin
  JsonOutput json;

  /** Either a file or flags. */
  static final class Source {
    @Option(names = {"-f", "--file"}, paramLabel = "FILE", required = true,
        description = "job file, JSON or YAML ('-': standard input)")
    String file;

    @ArgGroup(exclusive = false)
    JobFlags flags;
  }

  /** One job from flags, each named after the API field it sets. */
  static final class JobFlags {
    @Option(names = "--vm", required = true, paramLabel = "PATH", description = "vm_path: the VM to export")
    String vm;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "output_dir: where the export goes")
    String output;

    @Option(names = "--name", paramLabel = "NAME", description = "name: a label for the job")
    String name;

    @Option(names = "--provider", paramLabel = "NAME", description = "provider: aws, local, vsphere, … (default: vsphere)")
    String provider;

    @Option(names = "--format", paramLabel = "ovf|ova", description = "format (default: ovf)")
    String format;

    @Option(names = "--connection", paramLabel = "NAME", description = "connection: one of hypervisord's named "
        + "connections (hyperctl connections list); its provider is the job's")
    String connection;

    @Option(names = "--setting", paramLabel = "NAME=VALUE", description = "settings.NAME: a provider setting, by "
        + "the names GET /providers lists (e.g. power_off=true); never a secret, which would show in process "
        + "listings: use --connection or -f FILE")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--pipeline", description = "options.enable_pipeline: convert after the export")
    boolean pipeline;

    @Option(names = "--hyper2kvm-daemon", description = "options.hyper2kvm_daemon: submit to a hyper2kvm daemon")
    boolean daemon;

    @Option(names = "--hyper2kvm-instance", paramLabel = "NAME", description = "options.hyper2kvm_instance")
    String instance;

    @Option(names = "--libvirt", description = "options.libvirt_integration: define the converted VM in libvirt")
    boolean libvirt;

    @Option(names = "--libvirt-uri", paramLabel = "URI", description = "options.libvirt_uri")
    String libvirtUri;

    @Option(names = "--no-fix", description = "options.fix false: convert without changing the guest")
    boolean noFix;

    // picocli has no mixins inside argument groups; a nested group is null when neither option is given.
    @ArgGroup(exclusive = false)
    private BootCheckOptions bootCheck;

    BootCheckOptions bootCheck() {
      return bootCheck == null ? new BootCheckOptions() : bootCheck;
    }

    ObjectNode toJob() {
      ObjectNode job = JsonNodeFactory.instance.objectNode().put("vm_path", vm).put("output_dir", output);
      putIf(job, "name", name);
      putIf(job, "provider", provider);
      putIf(job, "format", format);
      putIf(job, "connection", connection);
      if (!settings.isEmpty()) {
        ObjectNode s = job.putObject("settings");
        settings.forEach(s::put);
      }
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      if (pipeline) {
        o.put("enable_pipeline", true);
      }
      if (daemon) {
        o.put("hyper2kvm_daemon", true);
      }
      putIf(o, "hyper2kvm_instance", instance);
      if (libvirt) {
        o.put("libvirt_integration", true);
      }
      putIf(o, "libvirt_uri", libvirtUri);
      if (noFix) {
        o.put("fix", false);
      }
      putIf(o, "boot_check", bootCheck().mode());
      if (bootCheck().timeoutSeconds() != null) {
        o.put("boot_check_timeout", bootCheck().timeoutSeconds());
      }
      if (!o.isEmpty()) {
        job.set("options", o);
      }
      return job;
    }

    private static void putIf(ObjectNode n, String key, String value) {
      if (value != null) {
        n.put(key, value);
      }
    }
  }

  @Override
  protected int run(HypervisordClient client) throws Exception {
    JsonNode body;
    if (source.file != null) {
      body = readJobs(source.file);
      if (body == null) {
        return ExitCode.USAGE.code();
      }
    } else {
      String secret = secretSetting(client, source.flags);
      if (secret != null) {
        err().println("hyperctl: --setting " + secret + " is a secret and would show in process listings; use "
            + "--connection NAME (hypervisord reads the secret from its file) or -f FILE");
        return ExitCode.USAGE.code();
      }
      if (source.flags.bootCheck().problem() != null) {
        err().println("hyperctl: " + source.flags.bootCheck().problem());
        return ExitCode.USAGE.code();
      }
      body = source.flags.toJob();
    }
    JsonNode answer = client.submit(body);
    if (json.enabled()) {
      JsonOutput.print(out(), answer);
    } else {
      answer.path("job_ids").forEach(id -> out().println("submitted " + id.asText()));
      answer.path("errors").forEach(e -> out().println("rejected: " + e.asText()));
      out().flush();
    }
    return answer.path("rejected").asInt() == 0 ? 0 : ExitCode.JOB_FAILED.code();
  }

  /** The first --setting that the daemon's providers declare secret, or null; asks only when settings are given. */
  private static String secretSetting(HypervisordClient client, JobFlags flags) throws Exception {
    if (flags.settings.isEmpty()) {
      return null;
    }
    for (JsonNode provider : client.providers()) {
      for (JsonNode s : provider.path("settings")) {
        if (s.path("secret").asBoolean() && flags.settings.containsKey(s.path("name").asText())) {
          return s.path("name").asText();
        }
      }
    }
    return null;
  }

  /** The file's jobs as JSON, or null (after saying why) when it cannot be read. */
  private JsonNode readJobs(String file) {
    try (InputStream in = "-".equals(file) ? System.in : Files.newInputStream(Path.of(file))) {
      JsonNode n = new YAMLMapper().readTree(in); // YAML is a superset of JSON, so one reader takes both
      if (n == null || n.isMissingNode() || !(n.isObject() || n.isArray())) {
        err().println("hyperctl: " + file + " holds no job: give one job, {\"jobs\": [...]} or an array");
        return null;
      }
      return n;
    } catch (java.nio.file.NoSuchFileException e) {
      err().println("hyperctl: " + file + " does not exist");
      return null;
    } catch (IOException e) {
      String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      err().println("hyperctl: cannot read " + file + ": " + msg);
      return null;
    }
  }
}
