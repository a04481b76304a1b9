package io.hypersdk.providers.vsphere;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.vsphere.vim25.VimFault;
import org.junit.jupiter.api.Test;

/** vim25 faults become one line that says what to do. */
class FaultsTest {
  @Test
  void eachFaultSaysWhatToDo() {
    ProviderException noPermission = Faults.toProvider(new VimFault("NoPermission", "ExportVm: denied"), "exporting x");
    assertThat(noPermission.getMessage()).isEqualTo("exporting x: the vCenter user lacks a permission "
        + "(ExportVm: denied); grant it the needed privileges");
    assertThat(Faults.toProvider(new VimFault("NotAuthenticated", "m"), "listing VMs").getMessage())
        .contains("not logged in to vCenter");
    ProviderException gone = Faults.toProvider(new VimFault("ManagedObjectNotFound", "vm-9"), "reading VM x");
    assertThat(gone.kind()).isEqualTo(ProviderException.Kind.NOT_FOUND);
    assertThat(Faults.toProvider(new VimFault(VimFault.TRANSPORT, "cannot connect to vCenter at h:443: refused"), "x")
        .getMessage()).isEqualTo("cannot connect to vCenter at h:443: refused");
  }
}
