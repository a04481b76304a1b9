package io.hypersdk.providers.vsphere;

import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.vsphere.vim25.VimFault;

/** Turns vim25 faults into one-line provider errors that say what to do. */
final class Faults {
  private Faults() {}

  static ProviderException toProvider(VimFault e, String doing) {
    String msg = e.getMessage();
    return switch (e.faultType()) {
      case "NoPermission" -> new ProviderException(ProviderException.Kind.EXPORT_FAILED, doing
          + ": the vCenter user lacks a permission (" + msg + "); grant it the needed privileges");
      case "NotAuthenticated" -> new ProviderException(ProviderException.Kind.EXPORT_FAILED, doing
          + ": not logged in to vCenter (the session expired or was closed); run the command again");
      case "ManagedObjectNotFound" -> new ProviderException(ProviderException.Kind.NOT_FOUND, doing
          + ": the object no longer exists in vCenter (" + msg + ")");
      case "InvalidLogin" -> new ProviderException(ProviderException.Kind.EXPORT_FAILED, doing
          + ": wrong user name or password");
      case VimFault.TRANSPORT -> new ProviderException(ProviderException.Kind.EXPORT_FAILED, msg);
      default -> new ProviderException(ProviderException.Kind.EXPORT_FAILED, doing + " failed: " + msg);
    };
  }
}
