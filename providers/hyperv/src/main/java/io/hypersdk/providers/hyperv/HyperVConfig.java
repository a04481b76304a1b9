package io.hypersdk.providers.hyperv;

import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The hyperv provider's settings, checked: where the host is, how to log in (a key file or a password, never
 * from a command line) and which host key to trust. {@link #toString} never shows the password.
 */
record HyperVConfig(String host, int port, String username, Path keyFile, String password, Path knownHosts,
    String hostKeyFingerprint, boolean powerOff, Duration shutdownTimeout, boolean noMerge, int parallel) {
  static final String SSH = "ssh";
  static final String WINRM = "winrm";
  static final int DEFAULT_PORT = 22;
  static final int DEFAULT_PARALLEL = 4;
  static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofMinutes(5);
  private static final Pattern FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}=?");

  static HyperVConfig from(ProviderSettings s, Map<String, String> env) throws ProviderException {
    if (HyperVConfig.WINRM.equals(s.get(HyperVProviderFactory.TRANSPORT).orElse(SSH))) {
      throw invalid("--transport winrm is not available in this build: enable OpenSSH Server on the Hyper-V host "
          + "(Windows Server 2019+) and use --transport ssh");
    }
    String host = s.get(HyperVProviderFactory.HOST).orElse(env.get("HYPERSDK_HYPERV_HOST"));
    if (host == null || host.isBlank()) {
      throw invalid("no Hyper-V host given: pass --hyperv-host (or set HYPERSDK_HYPERV_HOST)");
    }
    int port = Integer.parseInt(s.get(HyperVProviderFactory.PORT).orElse(Integer.toString(DEFAULT_PORT)));
    if (port < 1 || port > 65535) {
      throw invalid("--hyperv-port must be between 1 and 65535");
    }
    String user = s.get(HyperVProviderFactory.USERNAME).orElse(env.get("HYPERSDK_HYPERV_USER"));
    if (user == null || user.isBlank()) {
      throw invalid("no user name for " + host + ": pass --username (or set HYPERSDK_HYPERV_USER)");
    }
    Path key = s.get(HyperVProviderFactory.KEY_FILE).map(Path::of).orElse(null);
    if (key != null && !Files.isReadable(key)) {
      throw invalid("--key-file " + key + " is not a readable file");
    }
    String password = password(s, env, user);
    if (key == null && password == null) {
      throw invalid("no way to log in to " + host + " as " + user + ": pass --key-file FILE or --password-file "
          + "FILE (or set HYPERSDK_HYPERV_PASSWORD)");
    }
    String fingerprint = s.get(HyperVProviderFactory.HOST_KEY_FINGERPRINT).orElse(null);
    if (fingerprint != null && !FINGERPRINT.matcher(fingerprint).matches()) {
      throw invalid("--host-key-fingerprint must look like SHA256: and 43 base64 characters, as ssh-keygen -lf "
          + "prints it, not '" + fingerprint + "'");
    }
    Path knownHosts = s.get(HyperVProviderFactory.KNOWN_HOSTS).map(Path::of).orElse(null);
    if (knownHosts != null && fingerprint != null) {
      throw invalid("--known-hosts and --host-key-fingerprint exclude each other; choose one");
    }
    if (knownHosts == null && fingerprint == null) {
      knownHosts = Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
    }
    if (knownHosts != null && !Files.isReadable(knownHosts)) {
      throw invalid("no known_hosts file at " + knownHosts + " to check " + host + "'s key: pass "
          + "--host-key-fingerprint SHA256:... or --known-hosts FILE");
    }
    int parallel = Integer.parseInt(s.get(HyperVProviderFactory.PARALLEL).orElse(Integer.toString(DEFAULT_PARALLEL)));
    if (parallel < 1 || parallel > 32) {
      throw invalid("--parallel must be between 1 and 32");
    }
    long timeout = Long.parseLong(s.get(HyperVProviderFactory.SHUTDOWN_TIMEOUT)
        .orElse(Long.toString(DEFAULT_SHUTDOWN_TIMEOUT.toSeconds())));
    if (timeout < 0) {
      throw invalid("--shutdown-timeout must be a number of seconds, 0 or more");
    }
    return new HyperVConfig(host.strip(), port, user.strip(), key, password, knownHosts, fingerprint,
        bool(s, HyperVProviderFactory.POWER_OFF), Duration.ofSeconds(timeout), bool(s, HyperVProviderFactory.NO_MERGE),
        parallel);
  }

  private static String password(ProviderSettings s, Map<String, String> env, String user) throws ProviderException {
    if (s.get(HyperVProviderFactory.PASSWORD).isPresent()) {
      return s.get(HyperVProviderFactory.PASSWORD).get();
    }
    if (s.get(HyperVProviderFactory.PASSWORD_FILE).isPresent()) {
      Path f = Path.of(s.get(HyperVProviderFactory.PASSWORD_FILE).get());
      try {
        String first = Files.readAllLines(f).stream().findFirst().orElse("");
        if (first.isEmpty()) {
          throw invalid("--password-file " + f + " is empty: its first line must be the password of " + user);
        }
        return first;
      } catch (IOException e) {
        throw invalid("cannot read --password-file " + f + ": " + e.getMessage());
      }
    }
    String fromEnv = env.get("HYPERSDK_HYPERV_PASSWORD");
    return fromEnv == null || fromEnv.isEmpty() ? null : fromEnv;
  }

  private static boolean bool(ProviderSettings s, String key) {
    return Boolean.parseBoolean(s.get(key).orElse("false"));
  }

  private static ProviderException invalid(String message) {
    return new ProviderException(ProviderException.Kind.INVALID_REQUEST, message);
  }

  /** Where this connects, for messages: user@host:port. */
  String target() {
    return username + "@" + host + (port == DEFAULT_PORT ? "" : ":" + port);
  }

  @Override
  public String toString() {
    return "HyperVConfig[" + target() + (keyFile != null ? ", key " + keyFile : "") + (password != null
        ? ", password hidden" : "") + "]";
  }
}
