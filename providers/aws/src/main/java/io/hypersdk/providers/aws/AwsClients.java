package io.hypersdk.providers.aws;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ebs.EbsClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The EC2 and EBS clients of one provider session, sharing one HTTP client and one credentials provider.
 * Credentials come from the SDK's default chain (or a named profile), never from a flag.
 */
final class AwsClients implements AutoCloseable {
  final Ec2Client ec2;
  final EbsClient ebs;
  final S3Client s3;
  private final SdkHttpClient http;
  private final StsClient sts;
  private final AwsCredentialsProvider credentials;

  AwsClients(AwsConfig config) {
    Region region = Region.of(config.region());
    // Enough connections for every block fetched at once, plus the snapshot calls beside them.
    http = UrlConnectionHttpClient.builder().build();
    AwsCredentialsProvider base = config.profile() != null
        ? ProfileCredentialsProvider.create(config.profile()) : DefaultCredentialsProvider.builder().build();
    if (config.roleArn() != null) {
      var b = StsClient.builder().region(region).httpClient(http).credentialsProvider(base);
      if (config.endpoint() != null) {
        b.endpointOverride(config.endpoint());
      }
      sts = b.build();
      credentials = StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
          .refreshRequest(r -> r.roleArn(config.roleArn()).roleSessionName("hypersdk-export")).build();
    } else {
      sts = null;
      credentials = base;
    }
    var e = Ec2Client.builder().region(region).httpClient(http).credentialsProvider(credentials);
    var s = EbsClient.builder().region(region).httpClient(http).credentialsProvider(credentials);
    if (config.endpoint() != null) {
      e.endpointOverride(config.endpoint());
      s.endpointOverride(config.endpoint());
    }
    ec2 = e.build();
    ebs = s.build();
    var s3b = S3Client.builder().region(region).httpClient(http).credentialsProvider(credentials);
    if (config.s3Endpoint() != null) {
      // S3-compatible stores and test servers answer on one host: bucket names go in the path.
      s3b.endpointOverride(config.s3Endpoint()).forcePathStyle(true);
    }
    s3 = s3b.build();
  }

  @Override
  public void close() {
    ec2.close();
    ebs.close();
    s3.close();
    if (sts != null) {
      sts.close();
    }
    if (credentials instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception ignored) {
        // Closing a credentials cache frees threads only; nothing to report.
      }
    }
    http.close();
  }
}
