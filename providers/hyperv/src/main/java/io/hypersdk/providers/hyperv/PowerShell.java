package io.hypersdk.providers.hyperv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypersdk.providers.ProviderException.Kind;
import io.hypersdk.providers.ProviderException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Runs one of the provider's PowerShell scripts on the host. The script text is a fixed resource, sent as
 * {@code -EncodedCommand}; the values it works on travel on stdin as base64 of a JSON object, so a VM name
 * such as {@code x'; Remove-Item C:\ -Recurse; '} is data and never PowerShell syntax. Scripts answer JSON.
 */
final class PowerShell {
  /** The scripts, each a resource beside this class. */
  enum Script {
    LIST("list.ps1"), VM("vm.ps1"), STOP("stop.ps1"), MERGE("merge.ps1"), REMOVE("remove.ps1"), STAT("stat.ps1"),
    /** Answers base64 lines, not JSON (JSON only for an error): see {@link #text}. */
    READ("read.ps1");

    private final String resource;

    Script(String resource) {
      this.resource = resource;
    }

    /** The text PowerShell runs: the prelude then the script, without comment lines or indentation. */
    String text() {
      return compact(read("prelude.ps1")) + compact(read(resource));
    }

    /** The command line that runs it; the same every time, whatever the data. */
    String command() {
      return "powershell.exe -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand "
          + Base64.getEncoder().encodeToString(text().getBytes(StandardCharsets.UTF_16LE));
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final PowerShellHost host;

  PowerShell(PowerShellHost host) {
    this.host = host;
  }

  /** Runs {@code script} with {@code data} as {@code $p}; an error the script reports is one line. */
  JsonNode run(Script script, Map<String, ?> data, Duration timeout) throws ProviderException, InterruptedException {
    return parse(answer(script, data, timeout));
  }

  /** The host's name, for messages. */
  String hostName() {
    return host.config().host();
  }

  private JsonNode parse(String text) throws ProviderException {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (IOException e) {
      throw new ProviderException(Kind.EXPORT_FAILED, "PowerShell on " + host.config().host()
          + " answered something other than JSON: " + SshHost.firstLine(text));
    }
    if (node.isObject() && node.hasNonNull("error")) {
      throw failure(node);
    }
    return node;
  }

  /** Runs a script that answers plain text, or JSON for an error, which becomes one line as in {@link #run}. */
  String text(Script script, Map<String, ?> data, Duration timeout) throws ProviderException, InterruptedException {
    String text = answer(script, data, timeout);
    if (text.startsWith("{")) {
      parse(text);
      throw new ProviderException(Kind.EXPORT_FAILED, "PowerShell on " + host.config().host()
          + " answered JSON where " + script + " writes text: " + SshHost.firstLine(text));
    }
    return text;
  }

  private String answer(Script script, Map<String, ?> data, Duration timeout) throws ProviderException,
      InterruptedException {
    byte[] stdin;
    try {
      stdin = (Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(data)) + "\r\n")
          .getBytes(StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PowerShellHost.Output out = host.exec(script.command(), stdin, timeout);
    String text = out.stdout().replace("\uFEFF", "").strip();
    if (text.isEmpty()) {
      String err = SshHost.firstLine(out.stderr().replaceAll("(?s)#< CLIXML.*", "").strip());
      throw new ProviderException(Kind.EXPORT_FAILED, "PowerShell on " + host.config().host() + " gave no answer (exit " + out.exit() + ")"
          + (err.isEmpty() || err.equals("no detail") ? "" : ": " + err));
    }
    return text;
  }

  private ProviderException failure(JsonNode e) {
    String on = host.config().host();
    String message = SshHost.firstLine(e.path("message").asText(""));
    String command = e.path("command").asText("");
    return switch (e.path("error").asText()) {
      case "NotFound", "Ambiguous" -> new ProviderException(Kind.NOT_FOUND, message);
      case "AccessDenied" -> new ProviderException(Kind.PERMISSION, host.config().username() + " may not run "
          + (command.isEmpty() ? "Hyper-V cmdlets" : command) + " on " + on + ": add the user to the host's "
          + "Hyper-V Administrators group (docs/CONFIGURATION.md)");
      case "NoHyperV" -> new ProviderException(Kind.EXPORT_FAILED, (command.isEmpty() ? "a Hyper-V cmdlet"
          : command) + " is not available on " + on + ": install the Hyper-V PowerShell module "
          + "(Install-WindowsFeature Hyper-V-PowerShell)");
      default -> new ProviderException(Kind.EXPORT_FAILED, (command.isEmpty() ? "PowerShell" : command)
          + " failed on " + on + ": " + message);
    };
  }

  private static String read(String resource) {
    // The scripts are packaged beside this class: a missing one is a broken build.
    try (InputStream in = Objects.requireNonNull(PowerShell.class.getResourceAsStream(resource), resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Comments and indentation dropped: the encoded command stays well under cmd.exe's 8191 characters. */
  private static String compact(String script) {
    return script.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .collect(Collectors.joining("\n", "", "\n"));
  }
}
