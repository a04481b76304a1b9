package io.hypersdk.providers.hyperv;

import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The hyperv provider's settings, checked: where the host is, over which transport, how to log in (a key file or
 * a password, never from a command line) and which host key or WinRM certificate to trust. {@link #toString}
 * never shows the password.
 */
record HyperVConfig(String host, int port, String transport, String username, Path keyFile, String password,
    Path knownHosts, String hostKeyFingerprint, Path winrmCaFile, String winrmThumbprint, boolean powerOff,
    Duration shutdownTimeout, boolean noMerge, int parallel) {
  static final String SSH = "ssh";
  static final String WINRM = "winrm";
  static final int DEFAULT_PORT = 22;
  static final int DEFAULT_WINRM_PORT = 5986;
  static final int DEFAULT_PARALLEL = 4;
  static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofMinutes(5);
  private static final Pattern FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}=?");
  private static final Pattern THUMBPRINT = Pattern.compile("[0-9A-F]{64}");

  static HyperVConfig from(ProviderSettings s, Map<String, String> env) throws ProviderException {
    boolean winrm = WINRM.equals(s.get(HyperVProviderFactory.TRANSPORT).orElse(SSH));
    String host = s.get(HyperVProviderFactory.HOST).orElse(env.get("HYPERSDK_HYPERV_HOST"));
    if (host == null || host.isBlank()) {
      throw invalid("no Hyper-V host given: pass --hyperv-host (or set HYPERSDK_HYPERV_HOST)");
    }
    if (host.strip().toLowerCase(Locale.ROOT).startsWith("http://")) {
      throw invalid("--hyperv-host " + host.strip() + " is plain http, which would send the password in the clear: "
          + "give the host name with --transport winrm, which speaks HTTPS to the listener on port 5986");
    }
    if (host.contains("://")) {
      throw invalid("--hyperv-host takes a host name or address, not a URL: '" + host.strip() + "'");
    }
    int port = Integer.parseInt(s.get(HyperVProviderFactory.PORT).orElse(Integer.toString(winrm ? DEFAULT_WINRM_PORT
        : DEFAULT_PORT)));
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
    if (!winrm && key == null && password == null) {
      throw invalid("no way to log in to " + host + " as " + user + ": pass --key-file FILE or --password-file "
          + "FILE (or set HYPERSDK_HYPERV_PASSWORD)");
    }
    if (winrm) {
      checkWinRm(s, host.strip(), user.strip(), key, password);
    } else if (s.get(HyperVProviderFactory.WINRM_CA_FILE).isPresent()
        || s.get(HyperVProviderFactory.WINRM_THUMBPRINT).isPresent()) {
      throw invalid("--winrm-ca-file and --winrm-thumbprint are for --transport winrm; over SSH the host key is "
          + "checked (--host-key-fingerprint or --known-hosts)");
    }
    Path caFile = s.get(HyperVProviderFactory.WINRM_CA_FILE).map(Path::of).orElse(null);
    String thumbprint = s.get(HyperVProviderFactory.WINRM_THUMBPRINT).map(WinRmTrust::normalize).orElse(null);
    String fingerprint = s.get(HyperVProviderFactory.HOST_KEY_FINGERPRINT).orElse(null);
    if (fingerprint != null && !FINGERPRINT.matcher(fingerprint).matches()) {
      throw invalid("--host-key-fingerprint must look like SHA256: and 43 base64 characters, as ssh-keygen -lf "
          + "prints it, not '" + fingerprint + "'");
    }
    Path knownHosts = s.get(HyperVProviderFactory.KNOWN_HOSTS).map(Path::of).orElse(null);
    if (knownHosts != null && fingerprint != null) {
      throw invalid("--known-hosts and --host-key-fingerprint exclude each other; choose one");
    }
    if (knownHosts == null && fingerprint == null && !winrm) {
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
    return new HyperVConfig(host.strip(), port, winrm ? WINRM : SSH, user.strip(), key, password, knownHosts,
        fingerprint, caFile, thumbprint, bool(s, HyperVProviderFactory.POWER_OFF), Duration.ofSeconds(timeout),
        bool(s, HyperVProviderFactory.NO_MERGE), parallel);
  }

  /** WinRM logs in with a password only, and trusts a certificate, not an SSH host key. */
  private static void checkWinRm(ProviderSettings s, String host, String user, Path key, String password)
      throws ProviderException {
    if (key != null) {
      throw invalid("--key-file is for --transport ssh: WinRM logs in with a password (--password-file FILE or "
          + "HYPERSDK_HYPERV_PASSWORD)");
    }
    if (password == null) {
      throw invalid("no password to log in to " + host + " as " + user + " over WinRM: pass --password-file FILE "
          + "(or set HYPERSDK_HYPERV_PASSWORD)");
    }
    if (s.get(HyperVProviderFactory.KNOWN_HOSTS).isPresent()
        || s.get(HyperVProviderFactory.HOST_KEY_FINGERPRINT).isPresent()) {
      throw invalid("--known-hosts and --host-key-fingerprint are for --transport ssh; WinRM checks the listener's "
          + "certificate: pass --winrm-thumbprint or --winrm-ca-file");
    }
    Path caFile = s.get(HyperVProviderFactory.WINRM_CA_FILE).map(Path::of).orElse(null);
    String thumbprint = s.get(HyperVProviderFactory.WINRM_THUMBPRINT).orElse(null);
    if (caFile != null && thumbprint != null) {
      throw invalid("--winrm-ca-file and --winrm-thumbprint exclude each other; choose one");
    }
    if (caFile != null && !Files.isReadable(caFile)) {
      throw invalid("--winrm-ca-file " + caFile + " is not a readable file");
    }
    if (thumbprint != null && !THUMBPRINT.matcher(WinRmTrust.normalize(thumbprint)).matches()) {
      throw invalid("--winrm-thumbprint must be the certificate's SHA-256 thumbprint, 64 hex digits (colons "
          + "allowed), not '" + thumbprint + "'" + (WinRmTrust.normalize(thumbprint).matches("[0-9A-F]{40}")
          ? ": that is the SHA-1 thumbprint Windows lists; docs/CONFIGURATION.md shows how to get the SHA-256 one"
          : ""));
    }
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

  boolean winrm() {
    return WINRM.equals(transport);
  }

  /** Where this connects, for messages: user@host:port. */
  String target() {
    return username + "@" + host + (port == (winrm() ? DEFAULT_WINRM_PORT : DEFAULT_PORT) ? "" : ":" + port);
  }

  @Override
  public String toString() {
    return "HyperVConfig[" + transport + " " + target() + (keyFile != null ? ", key " + keyFile : "") + (password != null
        ? ", password hidden" : "") + "]";
  }
}
