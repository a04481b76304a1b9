package io.hypersdk.cli;

import io.hypersdk.manifest.HyperSdkVersion;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** {@code --version}: the tool's name and the project's version. */
public final class VersionProvider implements CommandLine.IVersionProvider {
  @CommandLine.Spec
  CommandSpec spec;

  @Override
  public String[] getVersion() {
    return new String[] {spec.root().name() + " " + HyperSdkVersion.get()};
  }
}
