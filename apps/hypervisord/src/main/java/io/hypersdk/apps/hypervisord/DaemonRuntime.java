package io.hypersdk.apps.hypervisord;

import io.hypersdk.apps.hypervisord.api.ApiRoute;
import io.hypersdk.apps.hypervisord.api.ApiServer;
import io.hypersdk.apps.hypervisord.api.BearerAuth;
import io.hypersdk.apps.hypervisord.api.Dashboard;
import io.hypersdk.apps.hypervisord.api.RequestBodies;
import io.hypersdk.apps.hypervisord.api.routes.ConnectionRoutes;
import io.hypersdk.apps.hypervisord.api.routes.EventRoutes;
import io.hypersdk.apps.hypervisord.api.routes.InstanceRoutes;
import io.hypersdk.apps.hypervisord.api.routes.JobRoutes;
import io.hypersdk.apps.hypervisord.api.routes.OpenApiRoutes;
import io.hypersdk.apps.hypervisord.api.routes.ProviderRoutes;
import io.hypersdk.apps.hypervisord.api.routes.SystemRoutes;
import io.hypersdk.apps.hypervisord.config.DaemonSettings;
import io.hypersdk.pipeline.instances.InstanceScanner;
import io.hypersdk.jobs.JobService;
import io.hypersdk.jobs.events.JobEventBus;
import io.hypersdk.jobs.runner.JobRunner;
import io.hypersdk.jobs.runner.MigrationRequests;
import io.hypersdk.jobs.runner.SecretVault;
import io.hypersdk.jobs.store.JobStore;
import io.hypersdk.jobs.submit.JobParser;
import io.hypersdk.jobs.submit.OutputRoots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A started hypervisord: store, runner and HTTP server wired together; closing stops them in order. */
public final class DaemonRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DaemonRuntime.class);
  /** How long running jobs get to let go (withdraw their manifest, stop the converter) on stop. */
  private static final long STOP_SECONDS = 20;

  private final JobStore store;
  private final JobRunner runner;
  private final ApiServer server;

  private DaemonRuntime(JobStore store, JobRunner runner, ApiServer server) {
    this.store = store;
    this.runner = runner;
    this.server = server;
  }

  /** Opens the store in the data dir, recovers the jobs a previous run left, and starts serving. */
  public static DaemonRuntime start(DaemonSettings s, String token, List<String> bundledConverter) throws IOException {
    createDataDir(s.dataDir());
    Instant started = Instant.now();
    JobStore store = JobStore.open(s.databaseFile());
    JobEventBus bus = new JobEventBus();
    JobRunner runner = new JobRunner(store, bus, new SecretVault(),
        new MigrationRequests(s.hyper2kvmConfigDir(), bundledConverter), s.connections(), s.maxConcurrentJobs());
    runner.recover();
    JobService jobs = new JobService(store, runner, new JobParser(s.connections(), new OutputRoots(s.outputRoots())));
    RequestBodies bodies = new RequestBodies(s.maxBodyBytes());
    List<ApiRoute> routes = new ArrayList<>();
    routes.addAll(new SystemRoutes(jobs, bus, started, s.maxConcurrentJobs()).routes());
    routes.addAll(new JobRoutes(jobs, bodies).routes());
    routes.addAll(new EventRoutes(jobs, bus).routes());
    routes.addAll(new ProviderRoutes(s.connections(), bodies).routes());
    routes.addAll(new ConnectionRoutes(s.connections()).routes());
    routes.addAll(new InstanceRoutes(new InstanceScanner(s.hyper2kvmConfigDir()), s.hyper2kvmConfigDir().toString())
        .routes());
    List<ApiRoute> all = new ArrayList<>(routes);
    all.addAll(new OpenApiRoutes(() -> List.copyOf(all)).routes());
    ApiServer server;
    try {
      server = ApiServer.start(s.listenHost(), s.listenPort(), List.copyOf(all),
          new BearerAuth(token, Dashboard.openPaths("/health"), Dashboard.OPEN_PREFIXES), s.maxBodyBytes());
    } catch (RuntimeException e) {
      closeQuietly(runner);
      store.close();
      throw new IOException("cannot listen on " + s.listenHost() + ":" + s.listenPort() + ": " + rootMessage(e), e);
    }
    LOG.info("hypervisord listening on http://{}:{} (data dir {}, up to {} jobs at once, output roots: {}, "
        + "providers: {}, connections: {})", s.listenHost(), server.port(), s.dataDir(), s.maxConcurrentJobs(),
        s.outputRoots().isEmpty() ? "any" : s.outputRoots(), String.join(", ", s.connections().providers().names()),
        s.connections());
    return new DaemonRuntime(store, runner, server);
  }

  /**
   * Creates the data dir readable by the daemon's user only (mode 0700): the store holds job definitions and
   * logs, and the generated token lives there. An existing folder is left as the operator set it.
   */
  static void createDataDir(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
  }

  public int port() {
    return server.port();
  }

  public List<String> registeredRoutes() {
    return server.registeredRoutes();
  }

  /** Stops serving, interrupts running jobs (they fail as interrupted at the next start), closes the store. */
  @Override
  public void close() {
    LOG.info("hypervisord stopping");
    server.close();
    closeQuietly(runner);
    store.close();
    LOG.info("hypervisord stopped");
  }

  private static void closeQuietly(JobRunner runner) {
    try {
      runner.stop(STOP_SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
