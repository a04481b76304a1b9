package io.hypersdk.apps.hypervisord.api.routes;

import io.hypersdk.apps.hypervisord.api.ApiException;
import io.hypersdk.apps.hypervisord.api.ApiRoute;
import io.hypersdk.jobs.connections.Connections;
import io.hypersdk.jobs.connections.NamedConnection;
import io.javalin.http.Context;
import java.util.List;

/** The named connections of the daemon's config: listed without secrets, and tested by logging in. */
public final class ConnectionRoutes {
  private final Connections connections;

  public ConnectionRoutes(Connections connections) {
    this.connections = connections;
  }

  public List<ApiRoute> routes() {
    return List.of(
        ApiRoute.get("/connections", "Named connections: provider, settings without secrets, and which secrets "
            + "have a file configured", this::list).returningListOf(NamedConnection.class),
        ApiRoute.post("/connections/{name}/test", "Log in with a named connection: the server's version or the "
            + "one-line reason", null, this::test).returning(Connections.TestOutcome.class));
  }

  private void list(Context ctx) {
    ctx.json(connections.list());
  }

  private void test(Context ctx) {
    String name = ctx.pathParam("name");
    if (connections.get(name).isEmpty()) {
      throw ApiException.notFound("no such connection: " + name);
    }
    ctx.json(connections.test(name));
  }
}
