package io.hypersdk.providers.aws;

import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;

/**
 * The aws provider's settings, checked: a region, where to connect, whose credentials, how many blocks at once,
 * and how to export (the EBS direct APIs, or VM Export to {@code bucket} under {@code prefix}).
 */
record AwsConfig(String region, String profile, String roleArn, URI endpoint, int parallel, String exportMethod,
    String bucket, String prefix, boolean keepExport, URI s3Endpoint) {
  static final String EBS_DIRECT = "ebs-direct";
  static final String EXPORT_TASK = "export-task";

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
    URI endpoint = url("--endpoint-url", s.get(AwsProviderFactory.ENDPOINT_URL)
        .or(() -> nonBlank(env.get("AWS_ENDPOINT_URL"))).orElse(null));
    URI s3 = url("--s3-endpoint-url", s.get(AwsProviderFactory.S3_ENDPOINT_URL)
        .or(() -> nonBlank(env.get("AWS_ENDPOINT_URL_S3"))).orElse(null));
    int parallel = Integer.parseInt(s.get(AwsProviderFactory.PARALLEL)
        .orElse(Integer.toString(AwsProviderFactory.DEFAULT_PARALLEL)));
    if (parallel < 1 || parallel > 32) {
      throw invalid("--parallel must be 1 to 32, not " + parallel);
    }
    String method = s.get(AwsProviderFactory.EXPORT_METHOD).orElse(EBS_DIRECT);
    String bucket = s.get(AwsProviderFactory.EXPORT_BUCKET).orElse(null);
    if (method.equals(EXPORT_TASK) && bucket == null) {
      throw invalid("--export-method export-task needs --export-bucket: the S3 bucket VM Export writes the OVA to");
    }
    return new AwsConfig(region, profile, role, endpoint, parallel, method, bucket,
        s.get(AwsProviderFactory.EXPORT_PREFIX).orElse("hypersdk-exports/"),
        Boolean.parseBoolean(s.get(AwsProviderFactory.KEEP_EXPORT).orElse("false")), s3 != null ? s3 : endpoint);
  }

  private static URI url(String flag, String e) throws ProviderException {
    if (e == null) {
      return null;
    }
    URI u;
    try {
      u = new URI(e);
    } catch (URISyntaxException x) {
      u = null;
    }
    if (u == null || u.getHost() == null || !(e.startsWith("http://") || e.startsWith("https://"))) {
      throw invalid(flag + " must be an http(s) URL, not '" + e + "'");
    }
    return u;
  }

  private static Optional<String> nonBlank(String v) {
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }

  private static ProviderException invalid(String message) {
    return new ProviderException(ProviderException.Kind.INVALID_REQUEST, message);
  }
}
