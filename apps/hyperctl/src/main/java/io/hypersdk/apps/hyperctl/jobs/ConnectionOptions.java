package io.hypersdk.apps.hyperctl.jobs;

import io.hypersdk.apps.hyperctl.client.ConnectionSettings;
import io.hypersdk.apps.hyperctl.client.HypervisordException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** The flags that say which hypervisord to talk to; the token only ever comes from a file or the environment. */
public final class ConnectionOptions {
  @Option(names = "--url", paramLabel = "URL",
      description = "hypervisord's address (else $HYPERCTL_URL, the config file's url, " + ConnectionSettings.DEFAULT_URL + ")")
  String url;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "file holding the API token (else $HYPERCTL_TOKEN, the config file's token_file or token)")
  Path tokenFile;

  @Option(names = "--config", paramLabel = "FILE",
      description = "hyperctl's config file (default: ~/.config/hypersdk/hyperctl.yaml)")
  Path config;

  ConnectionSettings settings() throws HypervisordException {
    Map<String, String> env = System.getenv();
    return ConnectionSettings.resolve(url, tokenFile, env,
        config != null ? config : ConnectionSettings.defaultConfigFile(env), config != null);
  }
}
