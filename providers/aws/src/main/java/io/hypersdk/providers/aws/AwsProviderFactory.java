package io.hypersdk.providers.aws;

import io.hypersdk.providers.Provider;
import io.hypersdk.providers.ProviderException;
import io.hypersdk.providers.ProviderFactory;
import io.hypersdk.providers.ProviderSettings;
import io.hypersdk.providers.SettingSpec;
import io.hypersdk.providers.SettingSpec.Type;
import java.util.List;

/** Registers the {@code aws} provider: EC2 instances exported through EBS snapshots and the EBS direct APIs. */
public final class AwsProviderFactory implements ProviderFactory {
  static final String REGION = "region";
  static final String PROFILE = "profile";
  static final String ROLE_ARN = "role_arn";
  static final String ENDPOINT_URL = "endpoint_url";
  static final String PARALLEL = "parallel";
  static final int DEFAULT_PARALLEL = 8;
  static final String EXPORT_METHOD = "export_method";
  static final String EXPORT_BUCKET = "export_bucket";
  static final String EXPORT_PREFIX = "export_prefix";
  static final String KEEP_EXPORT = "keep_export";
  static final String S3_ENDPOINT_URL = "s3_endpoint_url";

  private static final List<SettingSpec> SETTINGS = List.of(
      SettingSpec.builder(REGION, Type.STRING).required().env("AWS_REGION", "AWS_DEFAULT_REGION")
          .description("AWS region of the instance, e.g. eu-west-1").build(),
      SettingSpec.builder(PROFILE, Type.STRING).env("AWS_PROFILE")
          .description("named profile of ~/.aws/config and ~/.aws/credentials; without one, the SDK's default "
              + "credential chain").build(),
      SettingSpec.builder(ROLE_ARN, Type.STRING)
          .description("IAM role assumed through STS with the credentials found, for cross-account exports").build(),
      SettingSpec.builder(ENDPOINT_URL, Type.STRING).env("AWS_ENDPOINT_URL")
          .description("one endpoint for EC2 and EBS instead of AWS's own (private endpoints, tests)").build(),
      SettingSpec.builder(PARALLEL, Type.INT).defaultValue(Integer.toString(DEFAULT_PARALLEL))
          .description("EBS blocks fetched at once, 1 to 32").build(),
      SettingSpec.builder(EXPORT_METHOD, Type.ENUM).choices(AwsConfig.EBS_DIRECT, AwsConfig.EXPORT_TASK)
          .defaultValue(AwsConfig.EBS_DIRECT)
          .description("ebs-direct: snapshots read through the EBS direct APIs; export-task: VM Export writes an OVA "
              + "to S3 (one volume, one NIC, no encrypted volume, no Marketplace or AWS-licensed Windows)").build(),
      SettingSpec.builder(EXPORT_BUCKET, Type.STRING)
          .description("S3 bucket VM Export writes the OVA to (export-task; the bucket must grant VM Export write "
              + "access)").build(),
      SettingSpec.builder(EXPORT_PREFIX, Type.STRING).defaultValue("hypersdk-exports/")
          .description("key prefix of the OVA in the bucket (export-task)").build(),
      SettingSpec.builder(KEEP_EXPORT, Type.BOOL).defaultValue("false")
          .description("keep the OVA in S3 after the download (export-task; by default it is deleted)").build(),
      SettingSpec.builder(S3_ENDPOINT_URL, Type.STRING).env("AWS_ENDPOINT_URL_S3")
          .description("S3 endpoint instead of --endpoint-url or AWS's own (export-task; S3-compatible stores, tests)")
          .build());

  @Override
  public String name() {
    return "aws";
  }

  @Override
  public String title() {
    return "AWS";
  }

  @Override
  public String description() {
    return "EC2 instances, exported through EBS snapshots and the EBS direct APIs while they keep running";
  }

  @Override
  public List<SettingSpec> settings() {
    return SETTINGS;
  }

  @Override
  public Provider open(ProviderSettings settings) throws ProviderException {
    return new AwsProvider(AwsConfig.from(settings, System.getenv()));
  }
}
