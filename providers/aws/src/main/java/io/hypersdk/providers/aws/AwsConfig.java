package io.hypersdk.providers.aws;

import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/** The aws provider's settings, checked: a region, where to connect, whose credentials, how many blocks at once. */
record AwsConfig(String region, String profile, String roleArn, URI endpoint, int parallel) {

  static AwsConfig from(ProviderSettings s, Map<String, String> env) throws ProviderException {
    String region = s.get(AwsProviderFactory.REGION).or(() -> nonBlank(env.get("AWS_REGION")))
        .or(() -> nonBlank(env.get("AWS_DEFAULT_REGION"))).orElseThrow(() -> invalid(
            "--region is required by provider aws (or set AWS_REGION)"));
    if (!software.amazon.awssdk.regions.Region.regions().contains(software.amazon.awssdk.regions.Region.of(region))) {
      throw invalid("--region " + region + " is not an AWS region (e.g. us-east-1, eu-west-1; "
          + "aws ec2 describe-regions lists them)");
    }
    String profile = s.get(AwsProviderFactory.PROFILE).orElse(null);
    String role = s.get(AwsProviderFactory.ROLE_ARN).orElse(null);
    if (role != null && !role.startsWith("arn:")) {
      throw invalid("--role-arn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), not '" + role + "'");
    }
    URI endpoint = null;
    String e = s.get(AwsProviderFactory.ENDPOINT_URL).or(() -> nonBlank(env.get("AWS_ENDPOINT_URL"))).orElse(null);
    if (e != null) {
      try {
        endpoint = new URI(e);
      } catch (URISyntaxException x) {
        endpoint = null;
      }
      if (endpoint == null || endpoint.getHost() == null || !(e.startsWith("http://") || e.startsWith("https://"))) {
        throw invalid("--endpoint-url must be an http(s) URL, not '" + e + "'");
      }
    }
    int parallel = Integer.parseInt(s.get(AwsProviderFactory.PARALLEL)
        .orElse(Integer.toString(AwsProviderFactory.DEFAULT_PARALLEL)));
    if (parallel < 1 || parallel > 32) {
      throw invalid("--parallel must be 1 to 32, not " + parallel);
    }
    return new AwsConfig(region, profile, role, endpoint, parallel);
  }

  private static java.util.Optional<String> nonBlank(String v) {
    return v == null || v.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(v.strip());
  }

  private static ProviderException invalid(String message) {
    return new ProviderException(ProviderException.Kind.INVALID_REQUEST, message);
  }
}
