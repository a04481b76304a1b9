package io.hypersdk.providers;

import java.util.List;

/** A source platform: lists VMs, describes one, and exports its disks into a folder. */
public interface Provider extends AutoCloseable {
  /** The name used with {@code --provider}. */
  String name();

  /** What this provider is connected to, as the platform names itself (e.g. the vCenter product and build). */
  default String server() {
    return name();
  }

  List<VmSummary> listVms() throws ProviderException;

  /** Describes the VM named by {@code vm} (a path, a name or an id, as the provider defines). */
  VmInfo vmInfo(String vm) throws ProviderException;

  /** Exports the VM's disks into {@code request.outputDir()}, hashing them as they are written. */
  ExportedVm export(ExportRequest request, ExportProgress progress) throws ProviderException, InterruptedException;

  /** Ends the session with the platform; nothing by default. */
  @Override
  default void close() throws ProviderException {}
}
