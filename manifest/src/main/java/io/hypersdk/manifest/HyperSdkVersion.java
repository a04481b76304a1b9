package io.hypersdk.manifest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The project's version, written into manifests as {@code metadata.hypersdk_version} and shown by --version. */
public final class HyperSdkVersion {
  private static final String VERSION = load();

  private HyperSdkVersion() {}

  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = HyperSdkVersion.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
