package io.hypersdk.apps.hypervisord.api;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * Every request but the open routes must carry {@code Authorization: Bearer TOKEN}. Compared in constant
 * time, so the token cannot be guessed byte by byte from response times.
 */
public final class BearerAuth {
  private final byte[] token;
  private final Set<String> openPaths;

  public BearerAuth(String token, Set<String> openPaths) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.openPaths = Set.copyOf(openPaths);
  }

  public void check(Context ctx) {
    if (openPaths.contains(ctx.path())) {
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
