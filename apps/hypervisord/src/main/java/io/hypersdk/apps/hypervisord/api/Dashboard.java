package io.hypersdk.apps.hypervisord.api;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The web dashboard: a single-page app built by the Maven build (apps/hypervisord/web) into the classpath
 * folder {@value #RESOURCE_DIR} and served at {@code /} as static files. Its files need no token: they hold
 * no data, and the page asks for the token and sends it with every API call.
 */
public final class Dashboard {
  public static final String RESOURCE_DIR = "/dashboard";
  /** The page and its built assets (hashed file names under assets/). */
  public static final List<String> OPEN_PREFIXES = List.of("/assets/");
  private static final List<String> OPEN_PATHS = List.of("/", "/index.html", "/favicon.ico");

  private Dashboard() {}

  /** Whether the build packaged the dashboard (it is missing when the classes run without the web build). */
  public static boolean packaged() {
    return Dashboard.class.getResource(RESOURCE_DIR + "/index.html") != null;
  }

  /** {@code others} plus the dashboard's open paths. */
  public static Set<String> openPaths(String... others) {
    Set<String> all = new HashSet<>(OPEN_PATHS);
    all.addAll(List.of(others));
    return all;
  }
}
