package io.hypersdk.apps.hypervisord.api.routes;

import io.hypersdk.apps.hypervisord.api.ApiRoute;
import io.hypersdk.pipeline.instances.InstanceInfo;
import io.hypersdk.pipeline.instances.InstanceScanner;
import io.hypersdk.jobs.store.JobStore;
import io.javalin.http.Context;
import java.util.List;

/** The hyper2kvm daemon instances this host knows of. */
public final class InstanceRoutes {
  private final InstanceScanner scanner;
  private final String configDir;

  public InstanceRoutes(InstanceScanner scanner, String configDir) {
    this.scanner = scanner;
    this.configDir = configDir;
  }

  public List<ApiRoute> routes() {
    return List.of(ApiRoute.get("/hyper2kvm/instances", "hyper2kvm instances from the config dir and heartbeats",
        this::instances).returning(Instances.class));
  }

  /** The instances answer. */
  record Instances(String configDir, List<InstanceInfo> instances, int total, String timestamp) {}

  private void instances(Context ctx) throws InterruptedException {
    List<InstanceInfo> found = scanner.scan();
    ctx.json(new Instances(configDir, found, found.size(), JobStore.now()));
  }
}
