package io.hypersdk.apps.hypervisord.api;

import io.hypersdk.jobs.store.JobStore;
import io.hypersdk.jobs.submit.InvalidJobException;
import io.hypersdk.providers.InvalidSettingException;
import io.hypersdk.providers.ProviderException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where failures become HTTP statuses and JSON error bodies. */
public final class ApiErrors {
  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  public static void register(RoutesConfig routes) {
    routes.exception(ApiException.class, (e, ctx) -> {
      if (e.status() == 401) {
        ctx.header("WWW-Authenticate", "Bearer");
      }
      respond(ctx, e.status(), e.getMessage(), e.field());
    });
    routes.exception(InvalidJobException.class, (e, ctx) -> respond(ctx, 400, e.getMessage(), e.field()));
    routes.exception(InvalidSettingException.class, (e, ctx) -> {
      // A connection is a field of the request; every other setting is a key of its "settings" object.
      String field = e.setting().equals("connection") ? "connection" : "settings." + e.setting();
      respond(ctx, 400, field + ": " + e.reason(), field);
    });
    routes.exception(ProviderException.class, (e, ctx) -> respond(ctx, switch (e.kind()) {
      case INVALID_REQUEST, MISSING_SETTING, REGION_MISMATCH -> 400;
      case NOT_FOUND -> 404;
      // The platform behind the provider failed (unreachable, login refused): a bad gateway, not this daemon.
      case EXPORT_FAILED, CREDENTIALS, PERMISSION, QUOTA, NETWORK, ENVIRONMENT -> 502;
    }, e.getMessage().lines().findFirst().orElse(""), null));
    // Javalin's own refusals, e.g. 413 when a body exceeds the configured size.
    routes.exception(HttpResponseException.class, (e, ctx) -> respond(ctx, e.getStatus(),
        e.getStatus() == 413 ? "the request body is larger than this daemon accepts" : e.getMessage(), null));
    routes.exception(Exception.class, (e, ctx) -> {
      LOG.error("{} {}: internal error", ctx.method(), ctx.path(), e);
      respond(ctx, 500, "internal error; see the daemon's log", null);
    });
    routes.error(404, ctx -> {
      if (ctx.result() == null || ctx.result().isEmpty()) {
        respond(ctx, 404, "no such route: " + ctx.method() + " " + ctx.path(), null);
      }
    });
    routes.error(405, ctx -> respond(ctx, 405, "method not allowed: " + ctx.method() + " " + ctx.path(), null));
  }

  private static void respond(Context ctx, int status, String message, String field) {
    ctx.status(status).json(new ErrorResponse(message, field, JobStore.now()));
  }
}
