package io.hypersdk.jobs.submit;

/** A job definition breaks a rule; {@code field} names the offending field (e.g. {@code options.libvirt_uri}). */
public class InvalidJobException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String field;

  public InvalidJobException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  public String field() {
    return field;
  }

  /** The same problem, with the field named under {@code prefix} (a job's place in a batch). */
  public InvalidJobException under(String prefix) {
    return new InvalidJobException(prefix + "." + field, getMessage().substring(field.length() + 2));
  }
}
