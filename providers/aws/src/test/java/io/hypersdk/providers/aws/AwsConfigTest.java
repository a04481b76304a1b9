package io.hypersdk.providers.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.hypersdk.providers.ProviderSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The aws provider's own defaults apply when a setting is not given (--parallel is shared with vsphere's 3). */
class AwsConfigTest {
  @Test
  void parallelIsEightUnlessGiven() throws Exception {
    assertThat(AwsConfig.from(new ProviderSettings(Map.of("region", "eu-west-1")), Map.of()).parallel()).isEqualTo(8);
    assertThat(AwsConfig.from(new ProviderSettings(Map.of("region", "eu-west-1", "parallel", "2")), Map.of())
        .parallel()).isEqualTo(2);
  }
}
