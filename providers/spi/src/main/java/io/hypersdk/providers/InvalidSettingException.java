package io.hypersdk.providers;

/** A provider setting is unknown, missing or has a wrong value; the message starts with the setting's name. */
public final class InvalidSettingException extends ProviderException {
  private static final long serialVersionUID = 1L;

  private final String setting;
  private final String reason;

  public InvalidSettingException(String setting, String reason) {
    super(Kind.INVALID_REQUEST, setting + ": " + reason);
    this.setting = setting;
    this.reason = reason;
  }

  /** What is wrong, without the setting's name. */
  public String reason() {
    return reason;
  }

  /** The setting at fault, as declared by the provider. */
  public String setting() {
    return setting;
  }
}
