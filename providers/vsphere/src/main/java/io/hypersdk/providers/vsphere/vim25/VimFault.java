package io.hypersdk.providers.vsphere.vim25;

/**
 * A SOAP fault from the server, or a transport failure talking to it. {@code faultType} is the vim25 fault
 * name (e.g. {@code InvalidLogin}, {@code NoPermission}, {@code ManagedObjectNotFound}), or
 * {@code Transport} when the server could not be reached or answered something that is not SOAP.
 */
public final class VimFault extends Exception {
  private static final long serialVersionUID = 1L;

  public static final String TRANSPORT = "Transport";

  private final String faultType;

  public VimFault(String faultType, String message) {
    super(message);
    this.faultType = faultType;
  }

  public String faultType() {
    return faultType;
  }

  public boolean is(String type) {
    return faultType.equals(type);
  }
}
