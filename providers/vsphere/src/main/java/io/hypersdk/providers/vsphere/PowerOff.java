package io.hypersdk.providers.vsphere;

import io.hypersdk.providers.vsphere.vim25.MoRef;
import io.hypersdk.providers.vsphere.vim25.PropertyCollector;
import io.hypersdk.providers.vsphere.vim25.Tasks;
import io.hypersdk.providers.vsphere.vim25.VimConnection;
import io.hypersdk.providers.vsphere.vim25.VimFault;
import io.hypersdk.providers.vsphere.vim25.Xml;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Stops a VM for export (only with --power-off): a graceful guest shutdown through VMware Tools, then a
 * hard power-off when the guest has not stopped within the timeout or cannot be asked (no Tools).
 */
final class PowerOff {
  private final VimConnection vim;
  private final Duration timeout;

  PowerOff(VimConnection vim, Duration timeout) {
    this.vim = vim;
    this.timeout = timeout;
  }

  /** Returns a warning when the VM had to be powered off hard. */
  Optional<String> run(MoRef vm, String path, String state) throws VimFault, InterruptedException {
    String why;
    if ("poweredOn".equals(state)) {
      try {
        vim.invoke("ShutdownGuest", vm, "");
        if (waitOff(vm)) {
          return Optional.empty();
        }
        why = "the guest did not shut down within " + timeout.toSeconds() + " s";
      } catch (VimFault e) {
        why = "the guest could not be asked to shut down (" + e.getMessage() + ")";
      }
    } else {
      why = "the VM was " + state;
    }
    Tasks.await(vim, Xml.child(vim.invoke("PowerOffVM_Task", vm, ""), "returnval").map(Xml::moRef)
        .orElseThrow(() -> new VimFault(VimFault.TRANSPORT, "PowerOffVM_Task returned no task")), Duration.ofMinutes(5));
    return Optional.of(path + " was powered off hard: " + why);
  }

  private boolean waitOff(MoRef vm) throws VimFault, InterruptedException {
    PropertyCollector pc = new PropertyCollector(vim);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String s = pc.retrieveOne(vm, List.of("runtime.powerState")).text("runtime.powerState").orElse("");
      if (s.equals("poweredOff")) {
        return true;
      }
      if (System.nanoTime() >= deadline) {
        return false;
      }
      Thread.sleep(1000);
    }
  }
}
