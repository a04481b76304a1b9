package io.hypersdk.providers.aws;

import io.hypersdk.providers.ProviderException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** Turns an SDK failure into one line naming the action and what to do; the exit code follows the kind. */
final class AwsErrors {
  private static final Set<String> CREDENTIALS = Set.of("AuthFailure", "InvalidClientTokenId", "SignatureDoesNotMatch",
      "UnrecognizedClientException", "ExpiredToken", "RequestExpired", "InvalidAccessKeyId");
  private static final Set<String> PERMISSION = Set.of("UnauthorizedOperation", "AccessDenied",
      "AccessDeniedException");

  private AwsErrors() {}

  /** {@code action} is the IAM action name, e.g. {@code ec2:DescribeInstances}. */
  static ProviderException map(SdkException e, String action) {
    if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
      String code = s.awsErrorDetails().errorCode();
      // A 401 is always a refused signature, even when the error document did not reach the SDK.
      if ((code != null && CREDENTIALS.contains(code)) || s.statusCode() == 401) {
        return new ProviderException(ProviderException.Kind.EXPORT_FAILED, "AWS refused the credentials ("
            + (code == null ? "AuthFailure" : code) + ") calling " + action + ": check --profile, AWS_PROFILE or the keys in the SDK's default credential chain",
            e);
      }
      if ((code != null && PERMISSION.contains(code)) || s.statusCode() == 403) {
        return new ProviderException(ProviderException.Kind.EXPORT_FAILED, "not allowed to call " + action + " ("
            + code + "): add " + action + " to the IAM policy of these credentials (docs/CONFIGURATION.md)", e);
      }
      return new ProviderException(ProviderException.Kind.EXPORT_FAILED, action + " failed (" + code + "): "
          + firstLine(s.awsErrorDetails().errorMessage()), e);
    }
    return new ProviderException(ProviderException.Kind.EXPORT_FAILED, action + " failed: " + firstLine(e.getMessage()),
        e);
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
}
