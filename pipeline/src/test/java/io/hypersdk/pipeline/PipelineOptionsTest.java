package io.hypersdk.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PipelineOptionsTest {
  @Test
  void theServiceIsNamedAfterTheInstance() {
    assertThat(PipelineOptions.builder().build().serviceName()).isEqualTo("hyper2kvm.service");
    assertThat(PipelineOptions.builder().instance(" ").build().serviceName()).isEqualTo("hyper2kvm.service");
    assertThat(PipelineOptions.builder().instance("prod").build().serviceName()).isEqualTo("hyper2kvm@prod.service");
  }

  @Test
  void theDesignsDefaults() {
    PipelineOptions o = PipelineOptions.builder().build();
    assertThat(o.pollInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(o.daemonTimeout()).isEqualTo(Duration.ofMinutes(60));
    assertThat(o.libvirtUri()).isEqualTo("qemu:///system");
    assertThat(o.notifications()).isTrue();
  }

  @Test
  void periodsMustBePositive() {
    assertThatThrownBy(() -> PipelineOptions.builder().pollInterval(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("poll interval");
    assertThatThrownBy(() -> PipelineOptions.builder().daemonTimeout(Duration.ofMillis(-1)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
  }
}
