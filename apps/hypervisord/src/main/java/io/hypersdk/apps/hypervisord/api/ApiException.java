package io.hypersdk.apps.hypervisord.api;

/** A request the API refuses: the HTTP status, the field at fault (or null) and a message for the client. */
public class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String field;

  public ApiException(int status, String field, String message) {
    super(message);
    this.status = status;
    this.field = field;
  }

  public static ApiException badRequest(String field, String message) {
    return new ApiException(400, field, field + ": " + message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, null, message);
  }

  public int status() {
    return status;
  }

  public String field() {
    return field;
  }
}
