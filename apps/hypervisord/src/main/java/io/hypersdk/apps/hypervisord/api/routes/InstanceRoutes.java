package io.hypersdk.apps.hypervisord.api.routes;

import io.hypersdk.apps.hypervisord.api.ApiRoute;
import io.hypersdk.pipeline.instances.InstanceInfo;
import io.hypersdk.pipeline.instances.InstanceScanner;
import io.hypersdk.pipeline.instances.QueueEntries;
import io.hypersdk.jobs.store.JobStore;
import io.hypersdk.queue.QueueLayout;
import io.javalin.http.Context;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  /**
   * The instances answer; {@code queueEntries} maps each instance with known queue folders to its pending,
   * processing and failed manifests, as {@code hyperctl daemon queue} lists them.
   */
  record Instances(String configDir, List<InstanceInfo> instances, Map<String, List<QueueEntries.Entry>> queueEntries,
      int total, String timestamp) {}

  private void instances(Context ctx) throws InterruptedException {
    List<InstanceInfo> found = scanner.scan();
    Map<String, List<QueueEntries.Entry>> entries = new LinkedHashMap<>();
    for (InstanceInfo i : found) {
      if (i.watchDir() != null && i.outputDir() != null) {
        entries.put(i.name(), QueueEntries.of(new QueueLayout(Path.of(i.watchDir()), Path.of(i.outputDir()))));
      }
    }
    ctx.json(new Instances(configDir, found, entries, found.size(), JobStore.now()));
  }
}
