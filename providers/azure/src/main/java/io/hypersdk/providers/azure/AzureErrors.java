package io.hypersdk.providers.azure;

import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import java.util.Locale;
import java.util.Set;

/** Turns an ARM error ({@code {"error":{"code","message"}}}) into one line naming the action and what to do. */
final class AzureErrors {
  private static final Set<String> CREDENTIALS = Set.of("InvalidAuthenticationToken", "ExpiredAuthenticationToken",
      "AuthenticationFailed", "InvalidAuthenticationTokenTenant", "InvalidAuthenticationTokenAudience");
  /** ARM's codes for a limit of the subscription reached (Microsoft.Compute answers quota with these). */
  private static final Set<String> QUOTA = Set.of("QuotaExceeded", "OperationNotAllowedQuotaExceeded",
      "SubscriptionQuotaExceeded", "ResourceQuotaExceeded", "TooManySnapshots");
  private static final Set<String> WRONG_REGION = Set.of("InvalidResourceLocation", "LocationNotAvailableForResourceType",
      "NoRegisteredProviderFound");

  private AzureErrors() {}

  /** {@code action} is the RBAC action, e.g. {@code Microsoft.Compute/snapshots/beginGetAccess/action}. */
  static ProviderException map(int status, String code, String message, String action) {
    String msg = firstLine(message);
    if (status == 401 || (code != null && CREDENTIALS.contains(code))) {
      return new ProviderException(Kind.CREDENTIALS, "Azure refused the credentials (" + (code == null
          ? "HTTP 401" : code) + ") calling " + action + ": check --credential, --tenant-id and --client-id, or sign "
          + "in again (az login)");
    }
    if ("RequestDisallowedByPolicy".equals(code)) {
      return new ProviderException(Kind.PERMISSION, action + " is blocked by an Azure Policy assignment: " + msg);
    }
    if ("AuthorizationFailed".equals(code) || "LinkedAuthorizationFailed".equals(code) || status == 403) {
      return new ProviderException(Kind.PERMISSION, "not allowed to call " + action + " (" + (code == null
          ? "HTTP 403" : code) + "): grant " + action + " to these credentials' role (docs/CONFIGURATION.md)");
    }
    if ((code != null && QUOTA.contains(code)) || (msg.toLowerCase(Locale.ROOT).contains("quota")
        && (status == 409 || status == 400))) {
      return new ProviderException(Kind.QUOTA, action + " refused: a limit of the subscription was reached ("
          + code + ": " + msg + "); delete unused snapshots or ask Azure for a higher quota");
    }
    if (code != null && WRONG_REGION.contains(code)) {
      return new ProviderException(Kind.REGION_MISMATCH, action + " refused (" + code + "): " + msg);
    }
    if (status == 404 || "ResourceNotFound".equals(code) || "NotFound".equals(code)
        || "ResourceGroupNotFound".equals(code)) {
      return new ProviderException(Kind.NOT_FOUND, action + " found nothing (" + code + "): " + msg);
    }
    return new ProviderException(Kind.EXPORT_FAILED, action + " failed (" + (code == null ? "HTTP " + status : code)
        + "): " + msg);
  }

  static String firstLine(String s) {
    if (s == null || s.isBlank()) {
      return "no detail";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }
}
