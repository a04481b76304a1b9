package io.hypersdk.apps.hypervisord.api;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;

/**
 * Every request but the open routes must carry {@code Authorization: Bearer TOKEN}. Compared in constant
 * time, so the token cannot be guessed byte by byte from response times.
 */
public final class BearerAuth {
  private final byte[] token;
  private final Set<String> openPaths;
  private final List<String> openPrefixes;

  public BearerAuth(String token, Set<String> openPaths) {
    this(token, openPaths, List.of());
  }

  /**
   * {@code openPaths} and every path under one of {@code openPrefixes} (each ending in {@code /}) are served
   * without a token: the dashboard's static files, which hold no data (the page asks for the token itself).
   */
  public BearerAuth(String token, Set<String> openPaths, List<String> openPrefixes) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.openPaths = Set.copyOf(openPaths);
    this.openPrefixes = List.copyOf(openPrefixes);
  }

  public void check(Context ctx) {
    String path = ctx.path();
    if (openPaths.contains(path) || openPrefixes.stream().anyMatch(path::startsWith)) {
      return;
    }
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new ApiException(401, null, "missing bearer token (Authorization: Bearer TOKEN)");
    }
    byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(given, token)) {
      throw new ApiException(401, null, "invalid bearer token");
    }
  }
}
