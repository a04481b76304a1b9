package io.hypersdk.providers.aws;

import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderException.Kind;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ebs.model.AccessDeniedException;

/** Turns an SDK failure into one line naming the action and what to do; the exit code follows the kind. */
final class AwsErrors {
  private static final Set<String> CREDENTIALS = Set.of("AuthFailure", "InvalidClientTokenId", "SignatureDoesNotMatch",
      "UnrecognizedClient", "ExpiredToken", "RequestExpired", "InvalidAccessKeyId");
  private static final Set<String> PERMISSION = Set.of("UnauthorizedOperation", "AccessDenied");
  /** EC2's and EBS's codes for a limit of the account or of the service reached. */
  private static final Set<String> QUOTA = Set.of("SnapshotLimitExceeded", "SnapshotCreationPerVolumeRateExceeded",
      "ResourceLimitExceeded", "ServiceQuotaExceeded", "ConcurrentSnapshotLimitExceeded",
      "ResourceCountExceeded");

  private AwsErrors() {}

  /** {@code action} is the IAM action name, e.g. {@code ec2:DescribeInstances}. */
  static ProviderException map(SdkException e, String action) {
    if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
      // EBS's codes end in "Exception" (AccessDeniedException); shown without it, a message never reads as a
      // Java exception.
      String code = s.awsErrorDetails().errorCode() == null ? null
          : s.awsErrorDetails().errorCode().replaceFirst("Exception$", "");
      // A 401 is always a refused signature, even when the error document did not reach the SDK.
      if ((code != null && CREDENTIALS.contains(code)) || s.statusCode() == 401) {
        return new ProviderException(Kind.CREDENTIALS, "AWS refused the credentials ("
            + (code == null ? "AuthFailure" : code) + ") calling " + action + ": check --profile, AWS_PROFILE or the "
            + "keys in the SDK's default credential chain", e);
      }
      if ("OptInRequired".equals(code)) {
        return new ProviderException(Kind.INVALID_REQUEST, "the region is not enabled for this account (OptInRequired)"
            + " calling " + action + ": enable it in the AWS console or use the instance's --region", e);
      }
      if (kmsDenied(s)) {
        return new ProviderException(Kind.PERMISSION, "not allowed to decrypt the encrypted snapshot calling " + action
            + " (" + code + "): add kms:Decrypt on the volume's KMS key to the IAM policy of these credentials "
            + "(docs/CONFIGURATION.md)", e);
      }
      if ((code != null && PERMISSION.contains(code)) || s.statusCode() == 403) {
        return new ProviderException(Kind.PERMISSION, "not allowed to call " + action + " ("
            + code + "): add " + action + " to the IAM policy of these credentials (docs/CONFIGURATION.md)", e);
      }
      if (code != null && QUOTA.contains(code)) {
        return new ProviderException(Kind.QUOTA, action + " refused: a limit of the account was reached (" + code
            + ": " + firstLine(s.awsErrorDetails().errorMessage()) + "); delete unused snapshots or ask AWS for a "
            + "higher quota", e);
      }
      return new ProviderException(Kind.EXPORT_FAILED, action + " failed (" + code + "): "
          + firstLine(s.awsErrorDetails().errorMessage()), e);
    }
    if (!(e instanceof AwsServiceException) && hasCause(e, IOException.class)) {
      return new ProviderException(Kind.NETWORK, "cannot reach AWS calling " + action + ": "
          + firstLine(rootMessage(e)) + "; check the network, a proxy, or --endpoint-url and --region", e);
    }
    return new ProviderException(Kind.EXPORT_FAILED, action + " failed: " + firstLine(e.getMessage()), e);
  }

  /**
   * An encrypted snapshot read without kms:Decrypt: EBS answers AccessDeniedException with reason
   * DEPENDENCY_ACCESS_DENIED (the EBS API reference's AccessDeniedExceptionReason for a KMS key it may not use).
   */
  private static boolean kmsDenied(AwsServiceException s) {
    if (s instanceof AccessDeniedException a && "DEPENDENCY_ACCESS_DENIED".equals(a.reasonAsString())) {
      return true;
    }
    String m = s.awsErrorDetails().errorMessage();
    return m != null && m.toLowerCase(Locale.ROOT).contains("kms");
  }

  /** Whether trying again may help: not for refused credentials, missing permissions or other client errors. */
  static boolean retryable(SdkException e) {
    if (e instanceof AwsServiceException s) {
      int status = s.statusCode();
      return status == 0 || status >= 500 || status == 429 || status == 408;
    }
    return true;
  }

  static String firstLine(String s) {
    if (s == null) {
      return "no detail";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  /** The innermost cause's message ("Connection reset"), else its class name without "Exception". */
  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName().replaceFirst("Exception$", "");
  }
}
