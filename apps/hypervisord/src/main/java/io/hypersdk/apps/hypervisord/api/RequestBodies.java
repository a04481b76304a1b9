package io.hypersdk.apps.hypervisord.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.hypersdk.jobs.model.JobJson;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * Reads request bodies within the size limit, JSON or (with Content-Type application/yaml) YAML. The limit
 * is enforced while reading, so a body without Content-Length cannot exceed it either.
 */
public final class RequestBodies {
  private final long maxBytes;

  public RequestBodies(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  public JsonNode tree(Context ctx) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) {
      throw tooLarge();
    }
    byte[] body;
    try (InputStream in = ctx.req().getInputStream()) {
      body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    } catch (IOException e) {
      throw ApiException.badRequest("body", "cannot be read: " + e.getMessage());
    }
    if (body.length > maxBytes) {
      throw tooLarge();
    }
    if (body.length == 0) {
      throw ApiException.badRequest("body", "is empty");
    }
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    boolean yaml = type.startsWith("application/yaml") || type.startsWith("application/x-yaml")
        || type.startsWith("text/yaml");
    try {
      JsonNode node = (yaml ? JobJson.yaml() : JobJson.json()).readTree(body);
      if (node == null || node.isMissingNode()) {
        throw ApiException.badRequest("body", "is empty");
      }
      return node;
    } catch (JacksonException e) {
      // Only where, not what: the parser's message may quote the body, and the body may hold a password.
      var at = e.getLocation();
      throw ApiException.badRequest("body", "is not valid " + (yaml ? "YAML" : "JSON")
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    } catch (IOException e) {
      throw ApiException.badRequest("body", "cannot be read: " + e.getMessage());
    }
  }

  private ApiException tooLarge() {
    return new ApiException(413, "body", "the request body is larger than " + maxBytes + " bytes");
  }
}
