package io.hypersdk.apps.hypervisord.api.routes;

import io.hypersdk.apps.hypervisord.api.ApiRoute;
import io.hypersdk.apps.hypervisord.api.OpenApiDocument;
import io.hypersdk.manifest.HyperSdkVersion;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Supplier;

/** {@code /openapi.json}: the document of every route, this one included. */
public final class OpenApiRoutes {
  private final Supplier<List<ApiRoute>> allRoutes;

  public OpenApiRoutes(Supplier<List<ApiRoute>> allRoutes) {
    this.allRoutes = allRoutes;
  }

  public List<ApiRoute> routes() {
    return List.of(ApiRoute.get("/openapi.json", "This API's OpenAPI 3 document", this::document));
  }

  private void document(Context ctx) {
    ctx.json(OpenApiDocument.build(HyperSdkVersion.get(), allRoutes.get()));
  }
}
