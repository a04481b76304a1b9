package io.hypersdk.migration.steps;

import io.hypersdk.providers.ExportProgress;
import io.hypersdk.providers.ExportRequest;
import io.hypersdk.providers.ExportedVm;
import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;

/** Exports the VM's disks from the provider into the output folder. */
public final class ExportStep {
  private final Provider provider;

  public ExportStep(Provider provider) {
    this.provider = provider;
  }

  public ExportedVm run(ExportRequest request, ExportProgress progress) throws ProviderException, InterruptedException {
    ExportedVm vm = provider.export(request, progress);
    if (vm.disks().isEmpty()) {
      throw new ProviderException(ProviderException.Kind.EXPORT_FAILED, "VM " + request.vm() + " has no disks to export");
    }
    return vm;
  }
}
