package io.hypersdk.apps.hypervisord.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the API token comes from: the environment ({@value #ENV}), else the configured token file, else
 * {@code DATA_DIR/api-token}, generated on first start with mode 0600. Never a flag, since flags show in
 * process listings; only the file's path is ever logged.
 */
public final class ApiTokens {
  public static final String ENV = "HYPERVISORD_API_TOKEN";
  private static final Logger LOG = LoggerFactory.getLogger(ApiTokens.class);

  private ApiTokens() {}

  public static String resolve(DaemonSettings s, String env) throws SettingsLoader.SettingsException, IOException {
    if (env != null && !env.isBlank()) {
      LOG.info("API token: from the environment variable {}", ENV);
      return check(env.strip(), ENV);
    }
    if (s.apiTokenFile() != null) {
      if (!Files.isRegularFile(s.apiTokenFile())) {
        throw new SettingsLoader.SettingsException("api_token_file: " + s.apiTokenFile() + " does not exist");
      }
      LOG.info("API token: from {}", s.apiTokenFile());
      return check(Files.readString(s.apiTokenFile(), StandardCharsets.UTF_8).strip(), s.apiTokenFile().toString());
    }
    Path file = s.generatedTokenFile();
    if (Files.isRegularFile(file)) {
      LOG.info("API token: from {}", file);
      return check(Files.readString(file, StandardCharsets.UTF_8).strip(), file.toString());
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String token = HexFormat.of().formatHex(random);
    try {
      // Created with mode 0600 from the start, so there is no moment in which others could read it.
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
    } catch (FileAlreadyExistsException e) {
      return check(Files.readString(file, StandardCharsets.UTF_8).strip(), file.toString());
    }
    LOG.info("API token: generated into {} (mode 0600); clients send it as 'Authorization: Bearer TOKEN'", file);
    return token;
  }

  private static String check(String token, String from) throws SettingsLoader.SettingsException {
    if (token.length() < 16) {
      throw new SettingsLoader.SettingsException("the API token from " + from + " is shorter than 16 characters");
    }
    return token;
  }
}
