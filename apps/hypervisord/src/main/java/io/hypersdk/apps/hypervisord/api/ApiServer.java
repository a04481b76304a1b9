package io.hypersdk.apps.hypervisord.api;

import io.hypersdk.jobs.model.JobJson;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.javalin.router.ParsedEndpoint;
import java.util.List;

/** The HTTP server: the routes, the bearer check before them, and the error mapping. */
public final class ApiServer implements AutoCloseable {
  private final Javalin app;

  private ApiServer(Javalin app) {
    this.app = app;
  }

  /** Starts serving {@code routes} on {@code host:port} (port 0: any free port). */
  public static ApiServer start(String host, int port, List<ApiRoute> routes, BearerAuth auth, long maxBodyBytes) {
    Javalin app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.http.maxRequestSize = maxBodyBytes;
      config.jsonMapper(new JavalinJackson(JobJson.json(), false));
      if (Dashboard.packaged()) {
        config.staticFiles.add(files -> {
          files.hostedPath = "/";
          files.directory = Dashboard.RESOURCE_DIR;
          files.location = Location.CLASSPATH;
        });
      }
      config.routes.before(auth::check);
      for (ApiRoute r : routes) {
        config.routes.addHttpHandler(r.method(), r.path(), r.handler());
      }
      ApiErrors.register(config.routes);
    });
    app.start(host, port);
    return new ApiServer(app);
  }

  public int port() {
    return app.port();
  }

  /** What the router really serves, as {@code METHOD PATH}: what the OpenAPI document must match. */
  public List<String> registeredRoutes() {
    return app.unsafe.internalRouter.allHttpHandlers().stream().map(p -> p.endpoint)
        .filter(e -> e.method.isHttpMethod() && !e.method.equals(HandlerType.HEAD))
        .map(e -> e.method.name() + " " + e.path).sorted().toList();
  }

  @Override
  public void close() {
    app.stop();
  }
}
