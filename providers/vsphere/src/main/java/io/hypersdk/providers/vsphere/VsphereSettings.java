package io.hypersdk.providers.vsphere;

import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.vsphere.vim25.TlsTrust;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * How to reach vCenter and how to export, from the provider settings and the environment. The password
 * comes from the secret setting {@code password} (a job's, held in memory), a file ({@code password_file}),
 * {@code HYPERSDK_VSPHERE_PASSWORD}, {@code GOVC_PASSWORD} or the user information of {@code GOVC_URL} — never
 * from a command-line value — and {@link #toString} hides it.
 */
record VsphereSettings(URI sdk, String username, String password, TlsTrust trust, boolean powerOff,
    Duration shutdownTimeout, int parallel, Duration timeout) {

  /** Settings keys. */
  static final String URL = "url";
  static final String USERNAME = "username";
  static final String PASSWORD = "password";
  static final String PASSWORD_FILE = "password_file";
  static final String INSECURE = "insecure";
  static final String CA_FILE = "ca_file";
  static final String THUMBPRINT = "thumbprint";
  static final String POWER_OFF = "power_off";
  static final String SHUTDOWN_TIMEOUT = "shutdown_timeout";
  static final String PARALLEL = "parallel";

  static final int DEFAULT_PARALLEL = 3;
  static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofMinutes(5);

  static VsphereSettings from(ProviderSettings s, Map<String, String> env) throws ProviderException {
    String govcUrl = nonBlank(env.get("GOVC_URL"));
    String url = s.get(URL).map(VsphereSettings::nonBlank).orElse(govcUrl);
    if (url == null) {
      throw invalid("no vCenter given: pass --vcenter-url (or set GOVC_URL)");
    }
    URI parsed = parseUrl(url);
    String[] userInfo = userInfo(parsed);
    if (s.get(URL).isPresent() && userInfo != null && userInfo[1] != null) {
      // The option comes from a command line, which every user of the machine can read in the process list.
      throw invalid("--vcenter-url must not carry a password (it would show in process listings); use "
          + "--password-file or HYPERSDK_VSPHERE_PASSWORD");
    }
    URI sdk = withoutUserInfo(parsed);

    String user = s.get(USERNAME).map(VsphereSettings::nonBlank).orElse(null);
    if (user == null) {
      user = nonBlank(env.get("GOVC_USERNAME"));
    }
    if (user == null && userInfo != null) {
      user = userInfo[0];
    }
    if (user == null) {
      throw invalid("no vCenter user name: pass --username (or set GOVC_USERNAME)");
    }

    String password = s.get(PASSWORD).filter(p -> !p.isEmpty()).orElse(null);
    if (password == null && s.get(PASSWORD_FILE).isPresent()) {
      password = readPasswordFile(Path.of(s.get(PASSWORD_FILE).get()));
    }
    for (String key : new String[] {"HYPERSDK_VSPHERE_PASSWORD", "GOVC_PASSWORD"}) {
      if (password == null && env.get(key) != null && !env.get(key).isEmpty()) {
        password = env.get(key);
      }
    }
    if (password == null && userInfo != null && userInfo[1] != null) {
      password = userInfo[1];
    }
    if (password == null) {
      throw invalid("no password for " + user + ": pass --password-file FILE or set HYPERSDK_VSPHERE_PASSWORD");
    }

    boolean insecure = bool(s.get(INSECURE).orElse(null)) || bool(env.get("GOVC_INSECURE"));
    String ca = s.get(CA_FILE).map(VsphereSettings::nonBlank).orElse(nonBlank(env.get("GOVC_TLS_CA_CERTS")));
    String thumb = s.get(THUMBPRINT).map(VsphereSettings::nonBlank).orElse(null);
    int chosen = (insecure ? 1 : 0) + (ca != null ? 1 : 0) + (thumb != null ? 1 : 0);
    if (chosen > 1) {
      throw invalid("--insecure, --ca-file and --thumbprint exclude each other; choose one");
    }
    TlsTrust trust;
    try {
      trust = insecure ? TlsTrust.insecure() : thumb != null ? TlsTrust.pinned(thumb)
          : ca != null ? TlsTrust.caBundle(requireFile(Path.of(ca), "--ca-file")) : TlsTrust.system();
    } catch (IllegalArgumentException e) {
      throw invalid("--thumbprint: " + e.getMessage());
    }

    int parallel = s.get(PARALLEL).map(v -> parseInt(v, -1)).orElse(DEFAULT_PARALLEL);
    if (parallel < 1 || parallel > 32) {
      throw invalid("--parallel must be between 1 and 32");
    }
    long shutdown = s.get(SHUTDOWN_TIMEOUT).map(v -> (long) parseInt(v, -1))
        .orElse(DEFAULT_SHUTDOWN_TIMEOUT.toSeconds());
    if (shutdown < 0) {
      throw invalid("--shutdown-timeout must be a number of seconds, 0 or more");
    }
    return new VsphereSettings(sdk, user, password, trust, bool(s.get(POWER_OFF).orElse(null)),
        Duration.ofSeconds(shutdown), parallel, Duration.ofMinutes(2));
  }

  /** {@code host}, {@code host:port} or a URL; without a path the SDK endpoint {@code /sdk} is meant. */
  static URI parseUrl(String url) throws ProviderException {
    String u = url.strip();
    if (!u.contains("://")) {
      u = "https://" + u;
    }
    try {
      URI p = new URI(u);
      if (p.getHost() == null || !(p.getScheme().equalsIgnoreCase("https") || p.getScheme().equalsIgnoreCase("http"))) {
        throw invalid("vCenter URL " + redact(url) + " is not an http(s) URL with a host");
      }
      String path = p.getRawPath() == null || p.getRawPath().isEmpty() || p.getRawPath().equals("/") ? "/sdk"
          : p.getRawPath();
      return new URI(p.getScheme().toLowerCase(Locale.ROOT) + "://" + (p.getRawUserInfo() == null ? ""
          : p.getRawUserInfo() + "@") + hostPort(p) + path);
    } catch (URISyntaxException e) {
      throw invalid("vCenter URL " + redact(url) + " is not a valid URL");
    }
  }

  private static String hostPort(URI p) {
    String host = p.getHost().contains(":") && !p.getHost().startsWith("[") ? "[" + p.getHost() + "]" : p.getHost();
    return p.getPort() < 0 ? host : host + ":" + p.getPort();
  }

  private static String[] userInfo(URI u) {
    if (u.getRawUserInfo() == null) {
      return null;
    }
    String[] parts = u.getRawUserInfo().split(":", 2);
    return new String[] {decode(parts[0]), parts.length > 1 ? decode(parts[1]) : null};
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static URI withoutUserInfo(URI u) {
    return URI.create(u.getScheme() + "://" + hostPort(u) + u.getRawPath());
  }

  /** A URL as it may be shown: without user information, which may hold a password. */
  static String redact(String url) {
    return url.replaceAll("(?<=://)[^/@]*@", "");
  }

  private static String readPasswordFile(Path file) throws ProviderException {
    try {
      String text = Files.readString(requireFile(file, "--password-file"), StandardCharsets.UTF_8);
      // The first line; a trailing newline from `echo` is not part of the password.
      String first = text.lines().findFirst().orElse("");
      if (first.isEmpty()) {
        throw invalid("--password-file " + file + " is empty");
      }
      return first;
    } catch (IOException e) {
      throw invalid("cannot read --password-file " + file + ": " + e.getMessage());
    }
  }

  private static Path requireFile(Path p, String option) throws ProviderException {
    if (!Files.isRegularFile(p)) {
      throw invalid(option + " " + p + " is not a file");
    }
    return p;
  }

  private static boolean bool(String v) {
    return v != null && (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes"));
  }

  private static int parseInt(String v, int otherwise) {
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  private static String nonBlank(String v) {
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static ProviderException invalid(String message) {
    return new ProviderException(ProviderException.Kind.INVALID_REQUEST, message);
  }

  @Override
  public String toString() {
    return "VsphereSettings[sdk=" + sdk + ", username=" + username + ", password=(hidden), trust=" + trust.mode()
        + ", powerOff=" + powerOff + ", shutdownTimeout=" + shutdownTimeout + ", parallel=" + parallel + "]";
  }
}
