package io.hypersdk.apps.hyperctl.jobs;

import io.hypersdk.apps.hyperctl.client.HypervisordClient;
import io.hypersdk.apps.hyperctl.client.HypervisordException;
import io.hypersdk.cli.ExitCode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A {@code hyperctl jobs} or {@code connections} command: resolves the connection, runs against hypervisord, turns failures into one line. */
public abstract class ApiCommand implements Callable<Integer> {

  @Mixin
  ConnectionOptions connection;

  @Spec
  CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    try {
      return run(new HypervisordClient(connection.settings()));
    } catch (HypervisordException e) {
      err().println("hyperctl: " + e.getMessage());
      return (e.status() == 404 ? ExitCode.NOT_FOUND : ExitCode.UNREACHABLE).code();
    }
  }

  protected abstract int run(HypervisordClient client) throws Exception;

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
